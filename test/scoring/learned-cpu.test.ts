import { describe, expect, it } from "vitest";
import { makeContext, withClusterCpuPerGpu } from "../../src/scoring/context.js";
import { mixCpuPerGpu } from "../../src/scoring/fragmentation.js";
import { mixWithCpuPerGpu } from "../../src/scoring/learned-cpu.js";
import { decide } from "../../src/scoring/runner.js";
import { stranding } from "../../src/scoring/signals/stranding.js";
import type { TypicalPod } from "../../src/scoring/types.js";
import { gpu, nodeState, podRequest, testConfig } from "../support/core-builders.js";

/** 8 cores per whole GPU and 2 per quarter GPU: 8 cores per GPU either way; a CPU-only pod. */
const MIX: TypicalPod[] = [
  { milliCpu: 8000, gpuCount: 1, gpuMilli: 1000, weight: 0.5 },
  { milliCpu: 2000, gpuCount: 1, gpuMilli: 250, weight: 0.25 },
  { milliCpu: 4000, gpuCount: 0, gpuMilli: 0, weight: 0.25 },
];

describe("mixWithCpuPerGpu", () => {
  it("scales the GPU pods' CPU to the learnt CPU per GPU, rounded to half a core (hand-computed)", () => {
    expect(mixCpuPerGpu(MIX)).toBe(8);
    // 23.9 cores per GPU rounds to 24: every GPU pod asks 3 times its CPU; shapes, weights and
    // the CPU-only pod stay.
    const learnt = mixWithCpuPerGpu(MIX, 23.9);
    expect(learnt.map((p) => p.milliCpu)).toEqual([24_000, 6000, 4000]);
    expect(learnt.map((p) => [p.gpuCount, p.gpuMilli, p.weight])).toEqual(
      MIX.map((p) => [p.gpuCount, p.gpuMilli, p.weight]),
    );
    expect(mixCpuPerGpu(learnt)).toBe(24);
    // The same array while the rounded value stays (memos keyed on the mix keep their answers).
    expect(mixWithCpuPerGpu(MIX, 24.2)).toBe(learnt);
    const next = mixWithCpuPerGpu(MIX, 24.3);
    expect(next).not.toBe(learnt);
    // A ratio wavering across the boundary finds each step's mix again.
    expect(mixWithCpuPerGpu(MIX, 24.2)).toBe(learnt);
    expect(mixWithCpuPerGpu(MIX, 24.4)).toBe(next);
    // Nothing learnt (0, or less than a quarter core per GPU): the mix as configured.
    expect(mixWithCpuPerGpu(MIX, 0)).toBe(MIX);
    expect(mixWithCpuPerGpu(MIX, 0.2)).toBe(MIX);
    // A mix without GPU pods has no CPU per GPU to scale.
    const cpuOnly = [MIX[2]];
    expect(mixWithCpuPerGpu(cpuOnly, 12)).toBe(cpuOnly);
  });
});

describe("the scoring context's learnt CPU", () => {
  const config = testConfig();

  it("applies to the config's typical pods only, and only with learnCpuPerGpu on", () => {
    const configured = makeContext(config).workloadMix;
    const learnt = makeContext(config, { clusterCpuPerGpu: 30 }).workloadMix;
    expect(mixCpuPerGpu(learnt)).toBe(30);
    expect(withClusterCpuPerGpu(makeContext(config), 30).workloadMix).toBe(learnt);
    // A mix given explicitly (an openb trace's typical pods) is the workload's own.
    const given = makeContext(config, { workloadMix: MIX });
    expect(withClusterCpuPerGpu(given, 30)).toBe(given);
    expect(makeContext(config, { workloadMix: MIX, clusterCpuPerGpu: 30 }).workloadMix).toBe(MIX);
    const off = testConfig({ fragmentation: { typicalPods: config.fragmentation.typicalPods, learnCpuPerGpu: false } });
    expect(makeContext(off, { clusterCpuPerGpu: 30 }).workloadMix).toBe(makeContext(off).workloadMix);
    expect(learnt).not.toBe(configured);
  });

  it("lets a replica smaller than its neighbours go beside them instead of waking a node", () => {
    // Inference replicas ask 8 cores each. Node "busy" (96 cores, 8 × 80 GiB GPUs) runs three
    // holding 20, 20 and 40 GiB (1000 thousandths in all) with 24 cores: 24 cores per GPU.
    // The new replica takes 16 GiB (200 thousandths).
    const A100 = 81920;
    const busy = nodeState({
      name: "busy",
      cpu: 96,
      requestedCpu: 24,
      gpus: [
        gpu(A100, { occupants: [{ mib: 20480 }, { mib: 20480 }] }),
        gpu(A100, { occupants: [{ mib: 40960 }] }),
        ...Array.from({ length: 6 }, () => gpu(A100)),
      ],
    });
    const idle = nodeState({ name: "idle", cpu: 96, gpus: Array.from({ length: 8 }, () => gpu(A100)) });
    const pod = podRequest({ gpuCount: 1, gpuMiB: 16384, cpu: 8 });
    const score = (ctx: ReturnType<typeof makeContext>) =>
      [busy, idle].map((n) => stranding.score(pod, n, ctx, stranding.preScore(pod, ctx)));
    // With the configured 8 cores per GPU: busy is judged at its own 24. Before, 72 cores feed
    // 3000 of 7000 idle → 4000 stranded; after, 64 feed 2667 of 6800 → 4133: Δ 133, past the
    // 8-GPU tolerance of 40 → 10 − 0.93 = 9.07. The idle node at 8 cores per GPU strands
    // nothing: 10. The stranding level (bands of 2) sends the replica to the idle node.
    const configured = score(makeContext(testConfig()));
    expect(configured[0]).toBeCloseTo(10 - (4133.33 - 4000 - 40) / 100, 3);
    expect(configured[1]).toBe(10);
    expect(decide(pod, [busy, idle], makeContext(testConfig())).winner).toBe("idle");
    // Learnt from the cluster (24 cores per GPU): the idle node is judged at 24 too. Before, 96
    // cores feed 4000 of 8000 → 4000; after, 88 feed 3667 of 7800 → 4133: the same Δ 133, the
    // same 9.07. Both nodes tie on stranding, and consolidation keeps the replica on busy.
    const learnt = score(makeContext(testConfig(), { clusterCpuPerGpu: 24 }));
    expect(learnt[0]).toBeCloseTo(configured[0], 9);
    expect(learnt[1]).toBeCloseTo(learnt[0], 9);
    expect(decide(pod, [busy, idle], makeContext(testConfig(), { clusterCpuPerGpu: 24 })).winner).toBe("busy");
  });
});
