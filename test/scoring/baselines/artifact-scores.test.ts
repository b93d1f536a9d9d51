/**
 * The FGD artifact's score functions on hand-computed nodes (pkg/simulator/plugin/*_score.go).
 * GPU amounts are the artifact's thousandths of a device; 128 cores and 8 GPUs normalise.
 */
import { describe, expect, it } from "vitest";
import { bestFitScore } from "../../../src/scoring/baselines/best-fit.js";
import { dotProductScore } from "../../../src/scoring/baselines/dot-product.js";
import { gpuClusteringScore, nodeAffinities } from "../../../src/scoring/baselines/gpu-clustering.js";
import { gpuPackingScore } from "../../../src/scoring/baselines/gpu-packing.js";
import { bestFitPolicy, dotProductPolicy, gpuClusteringPolicy } from "../../../src/scoring/baselines/policies.js";
import { decide } from "../../../src/scoring/runner.js";
import { type GpuSpec, gpu, nodeState, podRequest } from "../../support/core-builders.js";
import { contextFor } from "./support.js";

const T4 = 15109;
/** A T4 with `used` thousandths held (by one pod, or by the given pod key). */
const t4 = (used = 0, podKey?: string): GpuSpec =>
  gpu(T4, { product: "T4", occupants: used > 0 ? [{ milli: used, ...(podKey ? { podKey } : {}) }] : [] });

/** 96 cores with 32 requested (64 left); 8 T4s: two full, one with 500 free (5,500 free in all). */
const busySpec = {
  name: "busy",
  cpu: 96,
  requestedCpu: 32,
  gpus: [t4(1000), t4(1000), t4(500), t4(), t4(), t4(), t4(), t4()],
};
const busy = nodeState(busySpec);
const share500 = podRequest({ cpu: 8, gpuCount: 1, gpuMilli: 500 });

describe("dot product (merge dimensions, max normalisation)", () => {
  it("100 · (1 − (cpuLeft/128k · cpu/128k + gpuLeft/8k · gpu/8k) / 2)", () => {
    // 64000/128000 · 8000/128000 = 0.03125; 5500/8000 · 500/8000 = 0.04296875; sum 0.07421875;
    // halved 0.037109375; 100 · 0.962890625 = 96.29 → 96.
    expect(dotProductScore(share500, busy)).toBe(96);
    // An empty node scores lower (larger free vector, larger product): packing.
    const empty = nodeState({ name: "empty", cpu: 96, gpus: Array.from({ length: 8 }, () => t4()) });
    // 96000/128000 · 0.0625 = 0.046875; 1 · 0.0625 = 0.0625; sum 0.109375 → 100 · (1 − 0.0546875) = 94.5 → 94.
    expect(dotProductScore(share500, empty)).toBe(94);
    expect(decide(share500, [empty, busy], contextFor(dotProductPolicy())).winner).toBe("busy");
  });

  it("a node without the CPU has no match group: 0", () => {
    expect(dotProductScore(podRequest({ cpu: 65, gpuCount: 1, gpuMilli: 500 }), busy)).toBe(0);
  });
});

describe("best fit", () => {
  it("100 · (1 − (½ · cpu left after/128k + ½ · GPU left after/8k))", () => {
    // (64000 − 8000)/128000 · 0.5 = 0.21875; (5500 − 500)/8000 · 0.5 = 0.3125; 100 · 0.46875 = 46.875 → 46.
    expect(bestFitScore(share500, busy)).toBe(46);
    // Whole 2-GPU pod: GPU left after 3500 → 0.21875 + 0.21875 → 56.25 → 56.
    expect(bestFitScore(podRequest({ cpu: 8, gpuCount: 2 }), busy)).toBe(56);
  });

  it("orders by the integer score, then the smaller name (not by its rounding to 0..10)", () => {
    // a = busy: 46. b: 8 cores (0 left after), 8 free GPUs: 0 + 7500/8000·½ = 0.46875 → 53.125 → 53.
    // Both round to 5 on the extender's 0..10 scale; the integer decides, as in the artifact.
    const a = nodeState({ ...busySpec, name: "a" });
    const b = nodeState({ name: "b", cpu: 8, gpus: Array.from({ length: 8 }, () => t4()) });
    expect([bestFitScore(share500, a), bestFitScore(share500, b)]).toEqual([46, 53]);
    const ctx = contextFor(bestFitPolicy());
    const d = decide(share500, [a, b], ctx);
    expect(d.nodes.map((n) => n.score)).toEqual([5, 5]);
    expect(d.winner).toBe("b");
    // Equal integers: the smaller name.
    expect(decide(share500, [nodeState({ ...busySpec, name: "c" }), a], ctx).winner).toBe("a");
  });

  it("prefers the node the pod fills best", () => {
    const snug = nodeState({ name: "snug", cpu: 8, gpus: [t4(500)] });
    const roomy = nodeState({ name: "roomy", cpu: 96, gpus: [t4(), t4()] });
    // snug: 0 CPU and 0 GPU left after → 100; roomy: 88000/128000·½ + 1500/8000·½ → 100·(1 − 0.4375) = 56.
    expect(bestFitScore(share500, snug)).toBe(100);
    expect(bestFitScore(share500, roomy)).toBe(56);
    expect(decide(share500, [roomy, snug], contextFor(bestFitPolicy())).winner).toBe("snug");
  });
});

describe("GPU packing, three bands", () => {
  const onePartlyUsed = (used: number) =>
    nodeState({ name: "n", gpus: [t4(used), ...Array.from({ length: 7 }, () => t4())] });

  it("every GPU free: 33 − free GPUs, at least the free GPUs", () => {
    const pod = podRequest({ gpuCount: 1 });
    expect(gpuPackingScore(pod, nodeState({ name: "n8", gpus: Array.from({ length: 8 }, () => t4()) }))).toBe(25);
    expect(gpuPackingScore(pod, nodeState({ name: "n2", gpus: [t4(), t4()] }))).toBe(31);
    expect(gpuPackingScore(pod, nodeState({ name: "n1", gpus: [t4()] }))).toBe(32);
  });

  it("must take fully free GPUs on a used node: 50 − how many, at least 33", () => {
    // GPU 0 has 300 free: too little for a whole GPU or for 500.
    expect(gpuPackingScore(podRequest({ gpuCount: 1 }), onePartlyUsed(700))).toBe(49);
    expect(gpuPackingScore(podRequest({ gpuCount: 4 }), onePartlyUsed(700))).toBe(46);
    expect(gpuPackingScore(podRequest({ gpuCount: 1, gpuMilli: 500 }), onePartlyUsed(700))).toBe(49);
  });

  it("fits on a partly used GPU: 100 − (free % of it) / 10, at least 50", () => {
    // 300 free → 30 % → 100 − 3 = 97; 900 free → 90 % → 100 − 9 = 91.
    expect(gpuPackingScore(podRequest({ gpuCount: 1, gpuMilli: 200 }), onePartlyUsed(700))).toBe(97);
    expect(gpuPackingScore(podRequest({ gpuCount: 1, gpuMilli: 500 }), onePartlyUsed(100))).toBe(91);
  });

  it("CPU-only pods score 0", () => {
    expect(gpuPackingScore(podRequest({ cpu: 4 }), onePartlyUsed(700))).toBe(0);
  });
});

describe("GPU clustering", () => {
  const share = podRequest({ gpuCount: 1, gpuMilli: 300 });
  const eight = (...specs: GpuSpec[]) =>
    nodeState({ name: "n", gpus: [...specs, ...Array.from({ length: 8 - specs.length }, () => t4())] });

  it("reads each GPU pod's affinity from the devices it holds", () => {
    const node = eight(t4(500), t4(1000, "ns/two"), t4(1000, "ns/two"), t4(1000));
    expect(Object.fromEntries(nodeAffinities(node))).toEqual({ "share-gpu": 1, "2-gpu": 1, "1-gpu": 1 });
  });

  it("base = 25 · (8000 − free) / 8000, plus 75 / 50 / 25 / 0 by the node's affinities", () => {
    const score = (node: ReturnType<typeof eight>) => gpuClusteringScore(share, node, nodeAffinities(node));
    // Idle: base 0, no GPU pods → 25.
    expect(score(eight())).toBe(25);
    // One share pod (7500 free): base 25·500/8000 = 1.56 → 1; only this affinity → 76.
    expect(score(eight(t4(500)))).toBe(76);
    // A share pod and a 1-GPU pod (6500 free): base 25·1500/8000 = 4.69 → 4; mixed → 54.
    expect(score(eight(t4(500), t4(1000)))).toBe(54);
    // Only a 2-GPU pod (6000 free): base 6, other affinity only → 6.
    expect(score(eight(t4(1000, "ns/two"), t4(1000, "ns/two")))).toBe(6);
    // CPU-only pods: 0.
    expect(gpuClusteringScore(podRequest({ cpu: 2 }), eight(), new Map())).toBe(0);
  });

  it("sends a sharing pod to the node that already holds sharing pods", () => {
    const idle = nodeState({ name: "a-idle", gpus: [t4(), t4()] });
    const sharing = nodeState({ name: "b-sharing", gpus: [t4(500), t4()] });
    const whole = nodeState({ name: "c-whole", gpus: [t4(1000), t4()] });
    const d = decide(share, [idle, sharing, whole], contextFor(gpuClusteringPolicy()));
    // idle: base 25·6000/8000 = 18 + 25 = 43; sharing: 25·6500/8000 = 20 + 75 = 95; whole: 21 + 0.
    expect(d.nodes.map((n) => Math.round(n.rawScore * 10))).toEqual([43, 95, 21]);
    expect(d.winner).toBe("b-sharing");
  });
});
