import { describe, expect, it } from "vitest";
import { Kernel, PRIORITY } from "../../../sim/engine/kernel.js";
import { Random } from "../../../sim/random.js";

/** A kernel with one event type whose handler appends "<time>:<payload>" to a log. */
function loggingKernel() {
  const kernel = new Kernel();
  const log: string[] = [];
  const mark = kernel.defineEvent<string>("mark", (payload, k) => {
    log.push(`${k.now}:${payload}`);
  });
  return { kernel, log, mark };
}

describe("Kernel ordering", () => {
  it("runs events by time, whatever order they were scheduled in", () => {
    const { kernel, log, mark } = loggingKernel();
    kernel.schedule(5, mark, "c");
    kernel.schedule(1, mark, "a");
    kernel.schedule(3, mark, "b");
    expect(kernel.run()).toBe("empty");
    expect(log).toEqual(["1:a", "3:b", "5:c"]);
    expect(kernel.now).toBe(5);
    expect(kernel.processed).toBe(3);
  });

  it("breaks equal times by priority (lower first), then first-scheduled first", () => {
    const { kernel, log, mark } = loggingKernel();
    kernel.schedule(2, mark, "normal-1");
    kernel.schedule(2, mark, "late", PRIORITY.late);
    kernel.schedule(2, mark, "normal-2");
    kernel.schedule(2, mark, "urgent", PRIORITY.urgent);
    kernel.schedule(2, mark, "normal-3");
    kernel.schedule(1, mark, "earlier-but-late", PRIORITY.late);
    kernel.run();
    expect(log).toEqual(["1:earlier-but-late", "2:urgent", "2:normal-1", "2:normal-2", "2:normal-3", "2:late"]);
  });

  it("runs an event a handler schedules for the current time after those already waiting at that time", () => {
    const kernel = new Kernel();
    const log: string[] = [];
    const child = kernel.defineEvent<string>("child", (p) => log.push(p));
    const parent = kernel.defineEvent<string>("parent", (p, k) => {
      log.push(p);
      k.scheduleAfter(0, child, `${p}-child`);
    });
    kernel.schedule(0, parent, "p1");
    kernel.schedule(0, child, "c0");
    kernel.run();
    expect(log).toEqual(["p1", "c0", "p1-child"]);
  });

  it("refuses to schedule in the past, at NaN, or with a fractional priority", () => {
    const { kernel, mark } = loggingKernel();
    kernel.schedule(10, mark, "x");
    kernel.run();
    expect(() => kernel.schedule(9, mark, "past")).toThrow(/cannot schedule at 9: now is 10/);
    expect(() => kernel.schedule(Number.NaN, mark, "nan")).toThrow(RangeError);
    expect(() => kernel.schedule(11, mark, "p", 0.5)).toThrow(/priority/);
    expect(() => kernel.schedule(11, 99 as never, "t")).toThrow(/unknown event type 99/);
  });
});

describe("Kernel cancel", () => {
  it("cancels a pending event, once, and not one that already ran", () => {
    const { kernel, log, mark } = loggingKernel();
    const a = kernel.schedule(1, mark, "a");
    const b = kernel.schedule(2, mark, "b");
    kernel.schedule(3, mark, "c");
    expect(kernel.cancel(b)).toBe(true);
    expect(kernel.cancel(b)).toBe(false);
    expect(kernel.pending).toBe(2);
    kernel.run();
    expect(log).toEqual(["1:a", "3:c"]);
    expect(kernel.cancel(a)).toBe(false);
  });

  it("does not let a stale handle cancel a newer event that reuses its slot", () => {
    const { kernel, log, mark } = loggingKernel();
    const old = kernel.schedule(1, mark, "old");
    kernel.run();
    kernel.schedule(2, mark, "new"); // takes the slot "old" freed
    expect(kernel.cancel(old)).toBe(false);
    kernel.run();
    expect(log).toEqual(["1:old", "2:new"]);
  });

  it("lets a handler cancel a later event (a timeout beaten by completion)", () => {
    const kernel = new Kernel();
    const log: string[] = [];
    let timeoutHandle = -1;
    const timeout = kernel.defineEvent<null>("timeout", () => log.push("timeout"));
    const done = kernel.defineEvent<null>("done", (_, k) => {
      log.push(`done@${k.now}`);
      k.cancel(timeoutHandle);
    });
    timeoutHandle = kernel.schedule(10, timeout, null);
    kernel.schedule(4, done, null);
    kernel.run();
    expect(log).toEqual(["done@4"]);
    expect(kernel.now).toBe(4);
  });

  it("keeps order after mass cancellation triggers a compaction", () => {
    const { kernel, log, mark } = loggingKernel();
    const handles = [];
    for (let i = 0; i < 5000; i++) handles.push(kernel.schedule(5000 - i, mark, String(5000 - i)));
    // Cancel every time except multiples of 1000: far more than half, so the heap compacts.
    handles.forEach((h, i) => {
      if ((5000 - i) % 1000 !== 0) kernel.cancel(h);
    });
    expect(kernel.pending).toBe(5);
    kernel.run();
    expect(log).toEqual(["1000:1000", "2000:2000", "3000:3000", "4000:4000", "5000:5000"]);
  });
});

describe("Kernel run(until), stop and step", () => {
  it("runs events strictly before `until`, then sets the clock to it; a later run continues", () => {
    const { kernel, log, mark } = loggingKernel();
    for (const t of [1, 2, 3, 4]) kernel.schedule(t, mark, `e${t}`);
    expect(kernel.run(3)).toBe("until");
    expect(log).toEqual(["1:e1", "2:e2"]);
    expect(kernel.now).toBe(3);
    expect(kernel.run(10)).toBe("until");
    expect(log).toEqual(["1:e1", "2:e2", "3:e3", "4:e4"]);
    expect(kernel.now).toBe(10);
    expect(() => kernel.run(5)).toThrow(/cannot run until 5: now is 10/);
  });

  it("stop() ends run() after the current event and leaves the rest pending", () => {
    const kernel = new Kernel();
    const seen: number[] = [];
    const tick = kernel.defineEvent<number>("tick", (n, k) => {
      seen.push(n);
      if (n === 2) k.stop();
    });
    for (let i = 1; i <= 4; i++) kernel.schedule(i, tick, i);
    expect(kernel.run()).toBe("stopped");
    expect(seen).toEqual([1, 2]);
    expect(kernel.pending).toBe(2);
    expect(kernel.run()).toBe("empty");
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it("step() runs exactly one event", () => {
    const { kernel, log, mark } = loggingKernel();
    kernel.schedule(7, mark, "a");
    kernel.schedule(8, mark, "b");
    expect(kernel.step()).toBe(true);
    expect(log).toEqual(["7:a"]);
    expect(kernel.now).toBe(7);
    expect(kernel.step()).toBe(true);
    expect(kernel.step()).toBe(false);
    expect(log).toEqual(["7:a", "8:b"]);
  });

  it("refuses a nested run() from inside a handler", () => {
    const kernel = new Kernel();
    const nested = kernel.defineEvent<null>("nested", (_, k) => {
      k.run();
    });
    kernel.schedule(0, nested, null);
    expect(() => kernel.run()).toThrow(/inside a handler/);
  });
});

describe("Kernel observers", () => {
  it("tells each observer every event after its handler, until it unsubscribes", () => {
    const kernel = new Kernel();
    const order: string[] = [];
    const arrive = kernel.defineEvent<{ pod: string }>("arrive", (p) => order.push(`handler ${p.pod}`));
    const seen: string[] = [];
    const unsubscribe = kernel.observe((type, payload, k) => {
      seen.push(`${k.now} ${k.typeName(type)} ${(payload as { pod: string }).pod}`);
      order.push("observer");
    });
    kernel.schedule(1, arrive, { pod: "a" });
    kernel.schedule(2, arrive, { pod: "b" });
    kernel.run(1.5);
    unsubscribe();
    kernel.run();
    expect(seen).toEqual(["1 arrive a"]);
    expect(order).toEqual(["handler a", "observer", "handler b"]);
  });
});

describe("Kernel determinism", () => {
  /** A small queueing model: customers arrive, wait for one server, leave. Returns the event log. */
  function runModel(seed: number): string[] {
    const rng = Random.stream(seed, "test/model");
    const kernel = new Kernel();
    const log: string[] = [];
    kernel.observe((type, payload, k) => log.push(`${k.now.toFixed(6)} ${k.typeName(type)} ${payload}`));
    let busy = false;
    const queue: number[] = [];
    const depart = kernel.defineEvent<number>("depart", (_, k) => {
      const next = queue.shift();
      if (next === undefined) busy = false;
      else k.scheduleAfter(rng.exponential(1.2), depart, next);
    });
    const arrive = kernel.defineEvent<number>("arrive", (id, k) => {
      if (busy) queue.push(id);
      else {
        busy = true;
        k.scheduleAfter(rng.exponential(1.2), depart, id);
      }
      if (id < 200) k.scheduleAfter(rng.exponential(1), arrive, id + 1);
    });
    kernel.schedule(0, arrive, 0);
    kernel.run();
    return log;
  }

  it("gives the identical event log for the same seed and a different one for another seed", () => {
    const first = runModel(7);
    expect(first.length).toBe(402); // 201 arrivals + 201 departures
    expect(runModel(7)).toEqual(first);
    expect(runModel(8)).not.toEqual(first);
  });
});
