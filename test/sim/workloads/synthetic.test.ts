import { describe, expect, it } from "vitest";
import { type SyntheticPod, type SyntheticWorkload, syntheticPods } from "../../../sim/workloads/synthetic.js";
import { TierfitError } from "../../../src/errors.js";

const BASE: SyntheticWorkload = {
  seed: 1,
  arrivalsPerSecond: 2,
  durationSeconds: 10_000,
  diurnal: { amplitude: 0, peakSecondOfDay: 14 * 3600 },
  batch: { meanSize: 1, sigma: 0 },
  gpuSizeMix: { "1/4": 1, "1": 2, "8": 1 },
  tierMix: { "shared-kernel": 3, hypervisor: 1 },
  tenants: 12,
  meanDurationSeconds: 600,
};

const all = (w: Partial<SyntheticWorkload>): SyntheticPod[] => [...syntheticPods({ ...BASE, ...w })];
const share = (pods: SyntheticPod[], pred: (p: SyntheticPod) => boolean) => pods.filter(pred).length / pods.length;

describe("syntheticPods", () => {
  it("is deterministic by seed", () => {
    const a = all({});
    expect(all({})).toEqual(a);
    expect(all({ seed: 2 })).not.toEqual(a);
  });

  it("arrives as a Poisson process at the configured rate, in order, within the duration", () => {
    const pods = all({});
    // 2/s for 10,000 s: 20,000 expected, standard deviation about 141.
    expect(Math.abs(pods.length - 20_000)).toBeLessThan(600);
    expect(pods.every((p, i) => i === 0 || pods[i - 1].arrivalTime <= p.arrivalTime)).toBe(true);
    expect(pods.every((p) => p.arrivalTime < 10_000)).toBe(true);
    expect(pods.map((p) => p.name).slice(0, 3)).toEqual(["synthetic-0", "synthetic-1", "synthetic-2"]);
  });

  it("draws GPU sizes, tiers and tenants from the mixes, with CPU and memory per GPU", () => {
    const pods = all({});
    expect(share(pods, (p) => p.gpuMilli === 250)).toBeCloseTo(0.25, 1);
    expect(share(pods, (p) => p.gpuCount === 1 && p.gpuMilli === 1000)).toBeCloseTo(0.5, 1);
    expect(share(pods, (p) => p.gpuCount === 8)).toBeCloseTo(0.25, 1);
    expect(share(pods, (p) => p.tier === "shared-kernel")).toBeCloseTo(0.75, 1);
    expect(new Set(pods.map((p) => p.tenant)).size).toBe(12);
    expect(pods.every((p) => /^tenant-(0\d|1[01])$/.test(p.tenant))).toBe(true);
    const quarter = pods.find((p) => p.gpuMilli === 250);
    expect(quarter).toMatchObject({ gpuCount: 1, milliCpu: 2000, memoryMiB: 8192 });
    const eight = pods.find((p) => p.gpuCount === 8);
    expect(eight).toMatchObject({ gpuMilli: 1000, milliCpu: 64_000, memoryMiB: 262_144 });
  });

  it("stays an exponential time with the configured mean", () => {
    const pods = all({});
    const mean = pods.reduce((s, p) => s + p.durationSeconds, 0) / pods.length;
    expect(mean / 600).toBeGreaterThan(0.95);
    expect(mean / 600).toBeLessThan(1.05);
    expect(pods.every((p) => p.departureTime === p.arrivalTime + p.durationSeconds)).toBe(true);
  });

  it("follows the daily cycle: many more arrivals around the peak than around the trough", () => {
    const pods = all({
      durationSeconds: 86_400,
      arrivalsPerSecond: 0.5,
      diurnal: { amplitude: 0.8, peakSecondOfDay: 12 * 3600 },
    });
    const inHours = (from: number, to: number) =>
      pods.filter((p) => p.arrivalTime >= from * 3600 && p.arrivalTime < to * 3600).length;
    // Rate factor 1.8 at noon and 0.2 at midnight: nine times as many arrivals near noon.
    const ratio = inHours(11, 13) / (inHours(0, 1) + inHours(23, 24));
    expect(ratio).toBeGreaterThan(6);
    expect(ratio).toBeLessThan(12);
  });

  it("sends bursts as batches that share time, tenant, tier and size", () => {
    const pods = all({ batch: { meanSize: 4, sigma: 1 }, arrivalsPerSecond: 4 });
    const batches = new Map<number, SyntheticPod[]>();
    for (const p of pods) batches.set(p.batch, [...(batches.get(p.batch) ?? []), p]);
    const meanBatch = pods.length / batches.size;
    expect(meanBatch).toBeGreaterThan(3.5);
    expect(meanBatch).toBeLessThan(4.5);
    expect(Math.max(...[...batches.values()].map((b) => b.length))).toBeGreaterThan(15);
    for (const members of batches.values()) {
      const first = members[0];
      for (const m of members) {
        expect([m.arrivalTime, m.tenant, m.tier, m.gpuCount, m.gpuMilli]).toEqual([
          first.arrivalTime,
          first.tenant,
          first.tier,
          first.gpuCount,
          first.gpuMilli,
        ]);
      }
    }
  });

  it("changing one mix leaves the other aspects' draws as they were", () => {
    const before = all({});
    const after = all({ tierMix: { sandboxed: 1, hypervisor: 5 } });
    expect(after.map((p) => [p.arrivalTime, p.gpuCount, p.gpuMilli, p.tenant, p.durationSeconds])).toEqual(
      before.map((p) => [p.arrivalTime, p.gpuCount, p.gpuMilli, p.tenant, p.durationSeconds]),
    );
    expect(after.map((p) => p.tier)).not.toEqual(before.map((p) => p.tier));
  });

  it("streams: a million-pod workload hands out its first pods without generating the rest", () => {
    const stream = syntheticPods({ ...BASE, durationSeconds: Number.POSITIVE_INFINITY, maxPods: 1_000_000 });
    const first = [stream.next().value, stream.next().value, stream.next().value] as SyntheticPod[];
    expect(first.map((p) => p.name)).toEqual(["synthetic-0", "synthetic-1", "synthetic-2"]);
    expect(all({ maxPods: 7 }).length).toBe(7);
  });

  it.each([
    [{ diurnal: { amplitude: 1.2, peakSecondOfDay: 0 } }, /amplitude must be in 0\.\.1/],
    [{ gpuSizeMix: { "3": 1 } as never }, /unknown size "3"/],
    [{ gpuSizeMix: {} }, /at least one size/],
    [{ tierMix: { a: 0 } }, /at least one tier/],
    [{ tenants: 0 }, /tenants must be a whole number ≥ 1, got 0/],
    [{ durationSeconds: Number.POSITIVE_INFINITY }, /never ends/],
    [{ batch: { meanSize: 0.5, sigma: 0 } }, /batch.meanSize must be ≥ 1/],
  ] as [Partial<SyntheticWorkload>, RegExp][])("rejects bad knobs with a config error (%#)", (bad, message) => {
    let error: unknown;
    try {
      all(bad);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TierfitError);
    expect((error as TierfitError).code).toBe("TF_ERR_CONFIG");
    expect((error as Error).message).toMatch(message);
  });
});
