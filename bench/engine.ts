/**
 * Kernel throughput: events per second with trivial handlers, against a baseline measured in
 * the same run on the same machine (the same events as plain objects in an array, sorted once
 * with a comparator and walked), so the ratio says how the heap compares with the simplest
 * thing that could work, whatever the machine.
 *
 * Three loops:
 *  - schedule-then-run: N events at random times, then run() to empty (the baseline's workload);
 *  - hold: the classic hold model, a steady population of pending events where each handler
 *    schedules its successor a random delay later (how a simulation really drives the kernel);
 *  - hold with cancellation: as hold, but every handler also schedules and cancels a timeout.
 */
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { Kernel } from "../sim/engine/kernel.js";
import { Random } from "../sim/random.js";

export interface BenchRow {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly note?: string;
}

const EVENTS = 2_000_000;
const HOLD_POPULATION = 10_000;

/** Delays drawn once, so the loops time the kernel and not the random generator. */
function randomTimes(count: number, seed: number): Float64Array {
  const rng = Random.stream(seed, "bench/engine");
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = rng.exponential(1);
  return out;
}

function eventsPerSecond(events: number, seconds: number): number {
  return Math.round(events / seconds);
}

function timed(fn: () => number): { events: number; seconds: number } {
  const start = performance.now();
  const events = fn();
  return { events, seconds: (performance.now() - start) / 1000 };
}

function scheduleThenRun(times: Float64Array): number {
  const kernel = new Kernel();
  let sink = 0;
  const tick = kernel.defineEvent<number>("tick", (payload) => {
    sink += payload;
  });
  for (let i = 0; i < times.length; i++) kernel.schedule(times[i] * 1000, tick, i);
  kernel.run();
  return kernel.processed + (sink < 0 ? 1 : 0);
}

interface PlainEvent {
  time: number;
  priority: number;
  sequence: number;
  payload: number;
}

function sortedArrayBaseline(times: Float64Array): number {
  const events: PlainEvent[] = [];
  for (let i = 0; i < times.length; i++) events.push({ time: times[i] * 1000, priority: 0, sequence: i, payload: i });
  events.sort((a, b) => a.time - b.time || a.priority - b.priority || a.sequence - b.sequence);
  let sink = 0;
  let processed = 0;
  for (const e of events) {
    sink += e.payload;
    processed++;
  }
  return processed + (sink < 0 ? 1 : 0);
}

function hold(delays: Float64Array, withCancel: boolean): number {
  const kernel = new Kernel();
  const mask = delays.length - 1;
  let i = 0;
  const timeout = kernel.defineEvent<number>("timeout", () => {});
  const tick = kernel.defineEvent<number>("tick", (payload, k) => {
    if (k.processed >= EVENTS) return;
    k.scheduleAfter(delays[i++ & mask], tick, payload);
    if (withCancel) k.cancel(k.scheduleAfter(delays[i++ & mask] * 10, timeout, payload));
  });
  for (let p = 0; p < HOLD_POPULATION; p++) kernel.schedule(delays[p & mask], tick, p);
  kernel.run();
  return kernel.processed;
}

export async function benchEngine(): Promise<BenchRow[]> {
  const times = randomTimes(EVENTS, 1);
  const delays = randomTimes(1 << 16, 2);
  // Warm-up: let the JIT compile every loop before anything is timed.
  scheduleThenRun(times.subarray(0, 200_000));
  sortedArrayBaseline(times.subarray(0, 200_000));
  hold(delays, false);

  const kernelRun = timed(() => scheduleThenRun(times));
  const baseline = timed(() => sortedArrayBaseline(times));
  const holdRun = timed(() => hold(delays, false));
  const holdCancelRun = timed(() => hold(delays, true));

  const kernelRate = eventsPerSecond(kernelRun.events, kernelRun.seconds);
  const baselineRate = eventsPerSecond(baseline.events, baseline.seconds);
  return [
    { name: "engine: schedule-then-run", value: kernelRate, unit: "events/s", note: `${EVENTS} events` },
    { name: "engine: baseline array push+sort+walk", value: baselineRate, unit: "events/s", note: "same events" },
    { name: "engine: ratio kernel / baseline", value: Math.round((kernelRate / baselineRate) * 100) / 100, unit: "x" },
    {
      name: "engine: hold model",
      value: eventsPerSecond(holdRun.events, holdRun.seconds),
      unit: "events/s",
      note: `${HOLD_POPULATION} pending, each handler schedules its successor`,
    },
    {
      name: "engine: hold model + schedule/cancel",
      value: eventsPerSecond(holdCancelRun.events, holdCancelRun.seconds),
      unit: "events/s",
      note: "each handler also schedules and cancels a timeout",
    },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of await benchEngine()) {
    console.log(
      `${row.name.padEnd(42)} ${row.value.toLocaleString("en-US").padStart(12)} ${row.unit}  ${row.note ?? ""}`,
    );
  }
}
