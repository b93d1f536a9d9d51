import { describe, expect, it } from "vitest";
import { makeContext, typicalPodsFromConfig } from "../../src/scoring/context.js";
import { chooseDevices } from "../../src/scoring/device-choice.js";
import { compileMix, idleGpuMilli, nodeFragmentation } from "../../src/scoring/fragmentation.js";
import type { ScoringPolicy } from "../../src/scoring/policy.js";
import { tierfitPolicy } from "../../src/scoring/policy.js";
import { fragmentation, fragmentationScore } from "../../src/scoring/signals/fragmentation.js";
import type { TypicalPod } from "../../src/scoring/types.js";
import { gpu, nodeState, podRequest, testConfig } from "../support/core-builders.js";

const T4 = 15360;
const t4 = (milliUsed = 0) => gpu(T4, { product: "T4", occupants: milliUsed > 0 ? [{ milli: milliUsed }] : [] });

/** Whole GPU 50 %, half a GPU 30 %, CPU-only (2 cores) 20 %. */
const MIX: TypicalPod[] = [
  { milliCpu: 4000, gpuCount: 1, gpuMilli: 1000, weight: 0.5 },
  { milliCpu: 2000, gpuCount: 1, gpuMilli: 500, weight: 0.3 },
  { milliCpu: 2000, gpuCount: 0, gpuMilli: 0, weight: 0.2 },
];

describe("nodeFragmentation (the FGD artifact's NodeGpuShareFragAmountScore)", () => {
  it("counts, per typical pod, the idle milli it cannot use", () => {
    // Free: 1000 and 300 thousandths. Whole-GPU pod fits → 300 too small; half pod fits → 300 too
    // small; CPU-only pod → all 1300 idle. 0.5·300 + 0.3·300 + 0.2·1300 = 500.
    const node = nodeState({ name: "n", gpus: [t4(), t4(700)] });
    expect(idleGpuMilli(node)).toBe(1300);
    expect(nodeFragmentation(node, MIX)).toBeCloseTo(500, 9);
  });

  it("a typical pod that does not fit (CPU or GPUs) counts all idle GPU", () => {
    const lowCpu = nodeState({ name: "n", cpu: 64, requestedCpu: 61, gpus: [t4(), t4(700)] }); // 3 cores left
    // whole-GPU pod needs 4 cores → 1300; half pod fits → 300; CPU-only → 1300.
    expect(nodeFragmentation(lowCpu, MIX)).toBeCloseTo(0.5 * 1300 + 0.3 * 300 + 0.2 * 1300, 9);
    const shared = nodeState({ name: "n", gpus: [t4(600), t4(700)] }); // 400 + 300 free, nothing ≥ 500
    expect(nodeFragmentation(shared, MIX)).toBeCloseTo(700, 9);
    const multi: TypicalPod[] = [{ milliCpu: 0, gpuCount: 2, gpuMilli: 1000, weight: 1 }];
    expect(nodeFragmentation(nodeState({ name: "n", gpus: [t4(), t4(700)] }), multi)).toBeCloseTo(1300, 9);
    expect(nodeFragmentation(nodeState({ name: "n", gpus: [t4(), t4()] }), multi)).toBe(0);
  });

  it("a typical pod whose GPU products the node lacks counts all idle GPU", () => {
    const v100only: TypicalPod[] = [{ milliCpu: 0, gpuCount: 1, gpuMilli: 500, weight: 1, gpuProducts: ["V100M16"] }];
    expect(nodeFragmentation(nodeState({ name: "n", gpus: [t4(), t4(700)] }), v100only)).toBeCloseTo(1300, 9);
  });

  it("compares devices of different memory in shares of a device", () => {
    const node = nodeState({
      name: "n",
      gpus: [gpu(81920, { occupants: [{ mib: 61440 }] }), gpu(T4, { product: "T4", occupants: [{ mib: 7680 }] })],
    });
    expect(idleGpuMilli(node)).toBeCloseTo(250 + 500, 9);
    const half: TypicalPod[] = [{ milliCpu: 0, gpuCount: 1, gpuMilli: 500, weight: 1 }];
    expect(nodeFragmentation(node, half)).toBeCloseTo(250, 9);
  });

  it("a node without GPUs or with none idle has no fragmentation", () => {
    expect(nodeFragmentation(nodeState({ name: "cpu" }), MIX)).toBe(0);
    expect(nodeFragmentation(nodeState({ name: "n", gpus: [t4(1000)] }), MIX)).toBe(0);
  });

  it("is memoised per node version and mix, and recomputed when either changes", () => {
    const node = nodeState({ name: "n", gpus: [t4(), t4(700)], version: 7 });
    const other: TypicalPod[] = [{ milliCpu: 0, gpuCount: 1, gpuMilli: 1000, weight: 1 }];
    expect(nodeFragmentation(node, MIX)).toBeCloseTo(500, 9);
    expect(nodeFragmentation(node, other)).toBeCloseTo(300, 9);
    expect(nodeFragmentation(node, compileMix(MIX))).toBeCloseTo(500, 9);
  });
});

describe("fragmentation signal", () => {
  const mixCtx = (policy?: ScoringPolicy) => makeContext(testConfig(), { workloadMix: MIX, policy });

  it("scores the artifact's sigmoid of the change: 5 for none, lower for more fragmentation", () => {
    expect(fragmentationScore(0)).toBe(5);
    expect(fragmentationScore(1000)).toBeCloseTo(10 / (1 + Math.E), 12);
    expect(fragmentationScore(-1000)).toBeCloseTo(10 - 10 / (1 + Math.E), 12);
  });

  it("prefers the placement that fragments least", () => {
    const ctx = mixCtx();
    const pod = podRequest({ gpuCount: 1, gpuMilli: 300, cpu: 1 });
    const pre = fragmentation.preScore(pod, ctx);
    // Onto a device with exactly 300 free: fills it, removing fragmentation (300 idle milli gone).
    const exact = nodeState({ name: "exact", gpus: [t4(), t4(700)] });
    // Onto an empty node: breaks a whole GPU into 700.
    const empty = nodeState({ name: "empty", gpus: [t4(), t4()] });
    const before = nodeFragmentation(exact, MIX);
    const exactScore = fragmentation.score(pod, exact, ctx, pre);
    expect(exactScore).toBeCloseTo(fragmentationScore(0.5 * 0 + 0.3 * 0 + 0.2 * 1000 - before), 9);
    const emptyScore = fragmentation.score(pod, empty, ctx, pre);
    // After: free 700 and 1000: whole → 700, half → 0, CPU-only → 1700; before: 0.2·2000 = 400.
    expect(emptyScore).toBeCloseTo(fragmentationScore(0.5 * 700 + 0.2 * 1700 - 400), 9);
    expect(exactScore).toBeGreaterThan(emptyScore);
  });

  it("FGD device choice (packing: fragmentation) picks the GPU that fragments least, unlike binpack", () => {
    // Free 1000 and 600; a 500 share: on device 1 leaves 100 (useless to the half pod); on
    // device 0 leaves 500 + 600, both still usable by half pods.
    const node = nodeState({ name: "n", gpus: [t4(), t4(400)] });
    const pod = podRequest({ gpuCount: 1, gpuMilli: 500 });
    const half: TypicalPod[] = [{ milliCpu: 0, gpuCount: 1, gpuMilli: 500, weight: 1 }];
    const fgd = { ...tierfitPolicy(testConfig()), name: "fgd", packing: "fragmentation" as const };
    const binpack = testConfig({ workloadClasses: { default: { gpuPacking: "binpack" } } });
    expect(chooseDevices(pod, node, makeContext(binpack, { workloadMix: half }))).toEqual([
      { index: 1, units: 500 * T4 },
    ]);
    expect(chooseDevices(pod, node, makeContext(testConfig(), { workloadMix: half, policy: fgd }))).toEqual([
      { index: 0, units: 500 * T4 },
    ]);
  });

  it("typicalPodsFromConfig converts CPU quantities and normalises weights", () => {
    const config = testConfig({
      fragmentation: {
        typicalPods: [
          { cpu: "500m", gpuCount: 1, gpuMilli: 250, weight: 3 },
          { cpu: "2", gpuCount: 0, weight: 1 },
        ],
      },
    });
    expect(typicalPodsFromConfig(config)).toEqual([
      { milliCpu: 500, gpuCount: 1, gpuMilli: 250, weight: 0.75 },
      { milliCpu: 2000, gpuCount: 0, gpuMilli: 0, weight: 0.25 },
    ]);
  });
});
