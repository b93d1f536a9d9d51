/** Collectors integrate step functions over the kernel's events; a warm-up is never counted. */
import { describe, expect, it } from "vitest";
import { Kernel } from "../../../sim/engine/kernel.js";
import { SloCollector } from "../../../sim/metrics/slo-collector.js";
import { StepIntegral } from "../../../sim/metrics/step-integral.js";
import { UsageCollector, usageMetrics } from "../../../sim/metrics/usage-collector.js";
import { WaitTimes } from "../../../sim/metrics/wait-times.js";

describe("StepIntegral", () => {
  it("integrates from `from` on and keeps the peak held after it", () => {
    const s = new StepIntegral(100);
    s.set(0, 50); // 50 until 150, but only 100..150 counts
    s.set(150, 2);
    s.set(200, 4);
    s.advance(300);
    expect(s.total).toBe(50 * 50 + 2 * 50 + 4 * 100);
    expect(s.peak).toBe(50);
    const late = new StepIntegral(100);
    late.set(0, 80); // only before the warm-up ends
    late.set(100, 3);
    late.advance(110);
    expect(late.peak).toBe(3);
    expect(late.total).toBe(30);
  });
});

describe("WaitTimes", () => {
  it("gives the mean and the nearest-rank percentile", () => {
    const w = new WaitTimes();
    for (const x of [0, 0, 0, 10, 50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100]) w.add(x);
    expect(w.mean()).toBe(8);
    expect(w.percentile(0.95)).toBe(50); // the 19th of 20
    expect(w.percentile(1)).toBe(100);
    expect(new WaitTimes().percentile(0.95)).toBe(0);
  });
});

describe("UsageCollector and SloCollector on a kernel", () => {
  it("read levels after every event and integrate them over simulated time", () => {
    const kernel = new Kernel();
    const level = { provisioned: 0, used: 0, demand: 0, served: 0 };
    const set = kernel.defineEvent<Partial<typeof level>>("set", (p) => Object.assign(level, p));
    const usage = new UsageCollector(
      {
        tierCount: 2,
        provisionedGpus: () => level.provisioned,
        allocatedGpus: () => level.used,
        usedGpus: () => level.used,
        provisionedGpusOfTier: (t) => (t === 1 ? level.provisioned : 0),
        usedGpusOfTier: (t) => (t === 1 ? level.used : 0),
      },
      3600,
    );
    usage.attach(kernel);
    const slo = new SloCollector({ services: 1, demandRps: () => level.demand, servedRps: () => level.served }, 3600);
    slo.attach(kernel);
    kernel.schedule(0, set, { provisioned: 16, used: 4, demand: 10, served: 5 }); // warm-up: not counted
    kernel.schedule(3600, set, { provisioned: 8, used: 2, demand: 10, served: 10 });
    kernel.schedule(5400, set, { demand: 12 }); // short by 2 rps from here
    kernel.schedule(7200, set, { provisioned: 0, used: 0, demand: 0, served: 0 });
    kernel.run();
    const u = usage.finish(10_800);
    expect(u.gpuHoursProvisioned).toBe(8); // 8 GPUs for the hour 3600..7200
    expect(u.gpuHoursUsed).toBe(2);
    expect(u.peakGpusProvisioned).toBe(8);
    expect(u.perTier.map((t) => t.gpuHoursProvisioned)).toEqual([0, 8]);
    expect(u.measuredSeconds).toBe(7200);
    expect(usageMetrics(u).overprovisioningRatio).toBe(4);
    const s = slo.finish(10_800);
    expect(s.violationSeconds).toEqual([1800]);
    expect(s.unservedRequests).toBe(2 * 1800);
    expect(s.demandedRequests).toBe(10 * 1800 + 12 * 1800);
  });
});
