import { describe, expect, it } from "vitest";
import { makeContext } from "../../src/scoring/context.js";
import { consolidation, gpusWoken } from "../../src/scoring/signals/consolidation.js";
import { fragmentation, fragmentationScore } from "../../src/scoring/signals/fragmentation.js";
import { stranding, strandingScore } from "../../src/scoring/signals/stranding.js";
import { strandedMilli } from "../../src/scoring/stranding.js";
import type { TypicalPod } from "../../src/scoring/types.js";
import { gpu, nodeState, podRequest, testConfig } from "../support/core-builders.js";

const V100 = 16160;
/** One typical pod: a whole GPU with 10 cores, so the mix asks 10 milli-CPU per GPU thousandth. */
const MIX: TypicalPod[] = [{ milliCpu: 10_000, gpuCount: 1, gpuMilli: 1000, weight: 1 }];
const ctx = makeContext(testConfig(), { workloadMix: MIX });

describe("strandedMilli", () => {
  it("counts idle GPU beyond what the CPU left feeds", () => {
    // 2000 idle, 12 cores left at 10 cores per GPU feed 1200: 800 stranded.
    expect(strandedMilli(2000, 12_000, 10)).toBe(800);
    expect(strandedMilli(2000, 30_000, 10)).toBe(0);
    expect(strandedMilli(2000, -5, 10)).toBe(2000); // over-committed CPU feeds nothing
    expect(strandedMilli(2000, 0, 0)).toBe(0); // no ratio (a mix without GPU pods): nothing known
  });
});

describe("stranding signal", () => {
  it("scores 10 up to 0.005 GPU stranded per GPU of the node, then a point per tenth (hand-computed)", () => {
    // An 8-GPU node tolerates 8 × 5 = 40 thousandths; a 1-GPU node 5.
    expect(strandingScore(-300, 8)).toBe(10);
    expect(strandingScore(40, 8)).toBe(10);
    expect(strandingScore(41, 8)).toBeLessThan(10);
    expect(strandingScore(290, 8)).toBeCloseTo(7.5, 12); // 10 − (290 − 40) / 100
    expect(strandingScore(200, 1)).toBeCloseTo(8.05, 12); // 10 − (200 − 5) / 100
    expect(strandingScore(5000, 8)).toBe(0);
  });

  it("a CPU-heavy pod on a CPU-poor node strands its GPUs; on a CPU-rich one it does not", () => {
    // Pod: half a GPU with 15 cores.
    const pod = podRequest({ gpuCount: 1, gpuMilli: 500, cpu: 15 });
    // 2 GPUs, 16 cores: before, 16 cores feed 1600 of 2000 idle → 400 stranded; after, 1 core
    // feeds 100 of 1500 idle → 1400 stranded. Δ = 1000, 2 GPUs tolerate 10: score 10 − (1000 − 10)/100 = 0.1.
    const poor = nodeState({ name: "poor", cpu: 16, gpus: [gpu(V100), gpu(V100)] });
    // 2 GPUs, 64 cores: 49 cores left feed 4900 ≥ 1500 idle: nothing stranded, score 10.
    const rich = nodeState({ name: "rich", cpu: 64, gpus: [gpu(V100), gpu(V100)] });
    const pre = stranding.preScore(pod, ctx);
    expect(stranding.score(pod, poor, ctx, pre)).toBeCloseTo(0.1, 9);
    expect(stranding.score(pod, rich, ctx, pre)).toBe(10);
    // The fragmentation signal counts the same 1000 stranded on top of FGD's own change.
    const frag = fragmentation.preScore(pod, ctx);
    expect(fragmentation.score(pod, poor, ctx, frag)).toBeLessThan(fragmentation.score(pod, rich, ctx, frag));
    expect(fragmentation.score(pod, poor, ctx, frag)).toBeLessThan(fragmentationScore(1000) + 1e-9);
  });

  it("a CPU-only pod strands a GPU node's GPUs too", () => {
    // 1 idle GPU, 10 cores: feeds it exactly; a 4-core pod leaves 6 cores → 600: 400 stranded,
    // 395 beyond the 1-GPU node's tolerance of 5 → score 10 − 3.95 = 6.05.
    const node = nodeState({ name: "n", cpu: 10, gpus: [gpu(V100)] });
    const pod = podRequest({ cpu: 4 });
    expect(stranding.score(pod, node, ctx, stranding.preScore(pod, ctx))).toBeCloseTo(6.05, 9);
  });

  it("feeds idle GPUs at the CPU per GPU of the node's own pods when they ask more than the mix", () => {
    // 2 GPUs, 40 cores; a pod holds half a GPU with 15 cores (30 cores per GPU, above the mix's
    // 10). Before: 1500 idle, 25 cores feed 25/30·1000 = 833 → 667 stranded. After another such
    // pod: 1000 idle, 10 cores feed 333 → 667 stranded. Δ = 0: score 10 (the mix's ratio would
    // have said Δ = 500 → 5.5).
    const node = nodeState({
      name: "n",
      cpu: 40,
      requestedCpu: 15,
      gpus: [gpu(V100, { occupants: [{ milli: 500 }] }), gpu(V100)],
    });
    const pod = podRequest({ gpuCount: 1, gpuMilli: 500, cpu: 15 });
    expect(stranding.score(pod, node, ctx, stranding.preScore(pod, ctx))).toBeCloseTo(10, 9);
  });
});

describe("consolidation signal", () => {
  it("10 minus the GPUs a placement wakes: all of a node's when none is allocated", () => {
    const pod = podRequest({ gpuCount: 1 });
    const idle8 = nodeState({ name: "idle8", gpus: Array.from({ length: 8 }, () => gpu(V100)) });
    const idle2 = nodeState({ name: "idle2", gpus: [gpu(V100), gpu(V100)] });
    const busy = nodeState({ name: "busy", gpus: [gpu(V100, { occupants: [{ milli: 300 }] }), gpu(V100)] });
    const cpuOnly = nodeState({ name: "cpu" });
    expect([idle8, idle2, busy, cpuOnly].map(gpusWoken)).toEqual([8, 2, 0, 0]);
    expect([idle8, idle2, busy, cpuOnly].map((n) => consolidation.score(pod, n, ctx, null))).toEqual([2, 8, 10, 10]);
    // A node whose GPUs are idle but which runs CPU pods (DaemonSets, say) still counts as idle.
    const daemons = nodeState({ name: "d", requestedCpu: 2, gpus: [gpu(V100)] });
    expect(consolidation.score(pod, daemons, ctx, null)).toBe(9);
  });
});
