/**
 * The discrete-event kernel, after SimPy's: a clock and a queue of (time, priority, sequence,
 * event). Models talk to it only through events; it knows nothing of pods, nodes or
 * Kubernetes. Each event type has one plain handler function, registered once, and an event
 * carries a payload (an index or a small object), so scheduling creates no closures.
 *
 * Reports subscribe as observers: the kernel tells them each event after its handler ran and
 * knows nothing about what they collect. Nothing here reads the wall clock, so a run is a pure
 * function of its inputs.
 */
import { type EventHandle, EventHeap } from "./event-heap.js";

export type { EventHandle } from "./event-heap.js";

/** An event type; the phantom parameter ties schedule()'s payload to the handler's. */
export type EventType<P> = number & { readonly __payload?: P };

export type EventHandler<P> = (payload: P, kernel: Kernel) => void;

/** Sees every event after its handler ran; `kernel.now` is the event's time. */
export type EventObserver = (type: number, payload: unknown, kernel: Kernel) => void;

/** Why run() returned. */
export type RunEnd = "empty" | "until" | "stopped";

/** Lower runs first among events at the same time; ties then go first-scheduled, first-run. */
export const PRIORITY = { urgent: -1, normal: 0, late: 1 } as const;

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

export class Kernel {
  private readonly queue: EventHeap;
  private readonly handlers: EventHandler<never>[] = [];
  private readonly names: string[] = [];
  private observers: EventObserver[] = [];
  private clock: number;
  private stopRequested = false;
  private running = false;
  private processedCount = 0;

  constructor(options: { startTime?: number; initialCapacity?: number } = {}) {
    this.clock = options.startTime ?? 0;
    if (!Number.isFinite(this.clock)) throw new RangeError(`startTime must be finite, got ${this.clock}`);
    this.queue = new EventHeap(options.initialCapacity);
  }

  /** Current simulated time. */
  get now(): number {
    return this.clock;
  }

  /** Events scheduled and not yet run or cancelled. */
  get pending(): number {
    return this.queue.size;
  }

  /** Events whose handlers have run. */
  get processed(): number {
    return this.processedCount;
  }

  /** Registers an event type with its handler; `name` is for logs and reports. */
  defineEvent<P>(name: string, handler: EventHandler<P>): EventType<P> {
    this.handlers.push(handler as EventHandler<never>);
    this.names.push(name);
    return (this.handlers.length - 1) as EventType<P>;
  }

  typeName(type: number): string {
    const name = this.names[type];
    if (name === undefined) throw new RangeError(`unknown event type ${type}`);
    return name;
  }

  /** Schedules `type` at absolute `time` (≥ now). */
  schedule<P>(time: number, type: EventType<P>, payload: P, priority: number = PRIORITY.normal): EventHandle {
    if (!(time >= this.clock) || !Number.isFinite(time)) {
      throw new RangeError(`cannot schedule at ${time}: now is ${this.clock}`);
    }
    if (this.handlers[type] === undefined) throw new RangeError(`unknown event type ${type}`);
    if (!Number.isInteger(priority) || priority < INT32_MIN || priority > INT32_MAX) {
      throw new RangeError(`priority must be a 32-bit integer, got ${priority}`);
    }
    return this.queue.push(time, priority, type, payload);
  }

  /** Schedules `type` `delay` (≥ 0) after now. */
  scheduleAfter<P>(delay: number, type: EventType<P>, payload: P, priority: number = PRIORITY.normal): EventHandle {
    return this.schedule(this.clock + delay, type, payload, priority);
  }

  /** Cancels a pending event; false when it already ran or was cancelled. */
  cancel(handle: EventHandle): boolean {
    return this.queue.cancel(handle);
  }

  /** Subscribes to every event; returns the unsubscribe function. */
  observe(observer: EventObserver): () => void {
    this.observers = [...this.observers, observer];
    return () => {
      this.observers = this.observers.filter((o) => o !== observer);
    };
  }

  /** Makes run() return after the event being handled; pending events stay for a later run(). */
  stop(): void {
    this.stopRequested = true;
  }

  /**
   * Runs events in order. With `until`, runs those strictly before it and then sets the clock
   * to `until` (SimPy's rule), so back-to-back run(t1), run(t2) never run an event twice or
   * skip one. Without it, runs until the queue is empty or stop() is called.
   */
  run(until?: number): RunEnd {
    if (this.running) throw new Error("run() called from inside a handler");
    const limit = until ?? Number.POSITIVE_INFINITY;
    if (until !== undefined && (Number.isNaN(until) || until < this.clock)) {
      throw new RangeError(`cannot run until ${until}: now is ${this.clock}`);
    }
    this.running = true;
    this.stopRequested = false;
    try {
      const queue = this.queue;
      for (;;) {
        if (this.stopRequested) return "stopped";
        if (queue.peekTime() >= limit) {
          if (until === undefined) return "empty";
          this.clock = until;
          return "until";
        }
        if (!queue.pop()) return "empty";
        this.dispatchPopped();
      }
    } finally {
      this.running = false;
    }
  }

  /** Runs exactly the next event; false when none was pending. */
  step(): boolean {
    if (this.running) throw new Error("step() called from inside a handler");
    if (!this.queue.pop()) return false;
    this.running = true;
    try {
      this.dispatchPopped();
    } finally {
      this.running = false;
    }
    return true;
  }

  private dispatchPopped(): void {
    const queue = this.queue;
    this.clock = queue.poppedTime;
    const type = queue.poppedType;
    const payload = queue.poppedPayload as never;
    this.handlers[type](payload, this);
    this.processedCount++;
    const observers = this.observers;
    for (let i = 0; i < observers.length; i++) observers[i](type, payload, this);
  }
}
