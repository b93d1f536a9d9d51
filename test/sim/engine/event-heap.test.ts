import { describe, expect, it } from "vitest";
import { type EventHandle, EventHeap } from "../../../sim/engine/event-heap.js";
import { Random } from "../../../sim/random.js";

interface OracleEntry {
  time: number;
  priority: number;
  sequence: number;
  payload: number;
  handle: EventHandle;
}

function earlier(a: OracleEntry, b: OracleEntry): number {
  return a.time - b.time || a.priority - b.priority || a.sequence - b.sequence;
}

describe("EventHeap against a sorted-array oracle", () => {
  it("pops, peeks and cancels exactly as a sorted list would over 100,000 random operations", () => {
    const rng = Random.stream(2024, "test/event-heap");
    const heap = new EventHeap(16); // small, so growth is exercised too
    let oracle: OracleEntry[] = [];
    let sequence = 0;
    let pops = 0;
    let cancels = 0;
    // Collected rather than asserted per operation: 100,000 expect() calls would dominate the run.
    const mismatches: string[] = [];
    for (let op = 0; op < 100_000; op++) {
      const r = rng.next();
      if (r < 0.5 || oracle.length === 0) {
        // Few distinct times and priorities, so ties (the interesting case) are frequent.
        const time = rng.int(200);
        const priority = rng.int(3) - 1;
        const payload = op;
        const handle = heap.push(time, priority, 0, payload);
        oracle.push({ time, priority, sequence: sequence++, payload, handle });
      } else if (r < 0.85) {
        let first = 0;
        for (let i = 1; i < oracle.length; i++) if (earlier(oracle[i], oracle[first]) < 0) first = i;
        const [expected] = oracle.splice(first, 1);
        const peeked = heap.peekTime();
        const popped = heap.pop();
        if (
          peeked !== expected.time ||
          !popped ||
          heap.poppedTime !== expected.time ||
          heap.poppedPriority !== expected.priority ||
          heap.poppedPayload !== expected.payload
        ) {
          mismatches.push(`op ${op}: expected payload ${expected.payload}, got ${heap.poppedPayload}`);
        }
        pops++;
      } else {
        const index = rng.int(oracle.length);
        const [victim] = oracle.splice(index, 1);
        if (!heap.cancel(victim.handle)) mismatches.push(`op ${op}: cancel of a pending event failed`);
        if (heap.cancel(victim.handle)) mismatches.push(`op ${op}: a second cancel succeeded`);
        cancels++;
      }
      if (heap.size !== oracle.length) mismatches.push(`op ${op}: size ${heap.size}, oracle ${oracle.length}`);
    }
    expect(mismatches).toEqual([]);
    // Drain: the rest must come out in oracle order.
    oracle = oracle.sort(earlier);
    for (const expected of oracle) {
      expect(heap.pop()).toBe(true);
      expect(heap.poppedPayload).toBe(expected.payload);
    }
    expect(heap.pop()).toBe(false);
    expect(heap.peekTime()).toBe(Number.POSITIVE_INFINITY);
    expect(pops).toBeGreaterThan(30_000);
    expect(cancels).toBeGreaterThan(10_000);
  });

  it("compacts when cancelled entries outnumber live ones, and keeps the order", () => {
    const heap = new EventHeap();
    const handles: EventHandle[] = [];
    for (let i = 0; i < 4000; i++) handles.push(heap.push(4000 - i, 0, 0, 4000 - i));
    for (let i = 0; i < 4000; i++) if (i % 4 !== 0) heap.cancel(handles[i]);
    expect(heap.size).toBe(1000);
    const out: number[] = [];
    while (heap.pop()) out.push(heap.poppedPayload as number);
    expect(out).toEqual(Array.from({ length: 1000 }, (_, k) => 4 * k + 4));
  });

  it("rejects handles it never gave out", () => {
    const heap = new EventHeap();
    heap.push(1, 0, 0, null);
    expect(heap.cancel(-1)).toBe(false);
    expect(heap.cancel(1.5)).toBe(false);
    expect(heap.cancel(12345)).toBe(false);
    expect(heap.size).toBe(1);
  });
});
