/**
 * The HPA-like loop on hand-made loads, one sync every 15 s. `wanted` is the metric divided by
 * its per-replica target, so the recommendation is ceil(wanted) outside the tolerance band.
 */
import { describe, expect, it } from "vitest";
import { Hpa } from "../../../sim/runs/fleet/hpa.js";

const defaults = {
  tolerance: 0.1,
  scaleDownStabilisationSeconds: 300,
  scaleUpPercent: 100,
  scaleUpPods: 4,
  minReplicas: 1,
  maxReplicas: 100,
};

/** Replica counts after each sync at t = 0, 15, 30, … for `wanted(t)`, starting from `start` replicas. */
function run(wanted: (t: number) => number, syncs: number, start: number): number[] {
  const hpa = new Hpa(defaults);
  const out: number[] = [];
  let replicas = start;
  for (let i = 0; i < syncs; i++) {
    replicas = hpa.decide(i * 15, replicas, wanted(i * 15));
    out.push(replicas);
  }
  return out;
}

describe("the reactive loop", () => {
  it("on a step up and back down: scales up at the next sync, down only after 5 minutes of lower recommendations", () => {
    // 2 replicas' worth until t = 60, 6 from t = 60 to t = 120, then 2 again.
    const wanted = (t: number) => (t >= 60 && t < 120 ? 6 : 2);
    const replicas = run(wanted, 32, 2);
    // t = 0..45: 2; t = 60: 6 (+4 is within the limit of max(+4, ×2)); t = 105: still 6.
    expect(replicas.slice(0, 4)).toEqual([2, 2, 2, 2]);
    expect(replicas[4]).toBe(6);
    expect(replicas[7]).toBe(6);
    // The last recommendation of 6 was made at t = 105; the window drops it once it is 300 s
    // old: the sync at t = 405 (index 27) is the first whose window [105 exclusive, 405] holds only 2s.
    expect(replicas.slice(8, 27).every((r) => r === 6)).toBe(true);
    expect(replicas[27]).toBe(2);
    expect(replicas.slice(27)).toEqual([2, 2, 2, 2, 2]);
  });

  it("on a ramp up: follows it, at most max(+4, ×2) per sync, ignoring changes within the tolerance", () => {
    // wanted = 1 + t / 15: 1, 2, 3, … one more replica's worth per sync.
    const replicas = run((t) => 1 + t / 15, 6, 1);
    // t = 0: 1 (ratio 1). t = 15: wanted 2 vs 1 → 2. t = 30: 3 vs 2 → 3. 4 vs 3 → 4. 5 vs 4 → 5. 6 vs 5 → 6.
    expect(replicas).toEqual([1, 2, 3, 4, 5, 6]);
    // A sudden jump from 1 to 20 replicas' worth is limited to +4 (max(1 + 4, 1 × 2)), then ×2.
    const jump = run(() => 20, 4, 1);
    expect(jump).toEqual([5, 10, 20, 20]);
    // 4.3 replicas' worth with 4 replicas is within 10 %: no change; 4.5 is not. With 10
    // replicas, 9 replicas' worth is within it too: the HPA keeps 10.
    expect(run(() => 4.3, 2, 4)).toEqual([4, 4]);
    expect(run(() => 4.5, 1, 4)).toEqual([5]);
    expect(run(() => 9, 30, 10).at(-1)).toBe(10);
  });

  it("on a ramp down: steps down 5 minutes behind the load", () => {
    // wanted falls by one replica's worth a minute from 8, from t = 0: 8, 8, 8, 8, 7, …; below
    // 10 replicas one replica less is always more than the 10 % tolerance.
    const wanted = (t: number) => Math.max(1, 8 - Math.floor(t / 60));
    const replicas = run(wanted, 60, 8);
    // The count at sync t is the largest recommendation of (t − 300, t]: the load of 5 minutes
    // earlier (the window's oldest sync, t − 285, rounded down to its minute).
    for (let i = 0; i < 60; i++) {
      const t = i * 15;
      expect(replicas[i], `t = ${t}`).toBe(wanted(Math.max(0, t - 285)));
    }
  });
});
