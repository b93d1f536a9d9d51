import { describe, expect, it } from "vitest";
import type { NodeState, PodRequest } from "../../src/cluster/types.js";
import { makeContext } from "../../src/scoring/context.js";
import { chooseDevices } from "../../src/scoring/device-choice.js";
import { gpuMemory } from "../../src/scoring/signals/gpu-memory.js";
import type { ScoringContext } from "../../src/scoring/types.js";
import { gpu, nodeState, podRequest, testConfig } from "../support/core-builders.js";

const ctx = makeContext(testConfig());
const A100 = 81920;

function run(pod: PodRequest, node: NodeState, c: ScoringContext = ctx) {
  const pre = gpuMemory.preScore(pod, c);
  const rejection = gpuMemory.filter(pod, node, c, pre);
  return {
    rejection,
    fits: gpuMemory.fits?.(pod, node, c, pre),
    score: rejection === null ? gpuMemory.score(pod, node, c, pre) : null,
  };
}

describe("gpuMemory filter", () => {
  const cases: { name: string; pod: PodRequest; node: NodeState; reason: string; unresolvable: boolean }[] = [
    {
      name: "node without GPUs",
      pod: podRequest({ gpuCount: 1 }),
      node: nodeState({ name: "cpu-only" }),
      reason: "node has no GPUs; pod needs 1",
      unresolvable: true,
    },
    {
      name: "too few devices",
      pod: podRequest({ gpuCount: 8 }),
      node: nodeState({ name: "n", gpus: [gpu(A100), gpu(A100), gpu(A100), gpu(A100)] }),
      reason: "node has 4 GPUs; pod needs 8",
      unresolvable: true,
    },
    {
      name: "per device, not node totals: 104 GiB free in all, but not 40 GiB on each of two",
      pod: podRequest({ gpuCount: 2, gpuMiB: 40 * 1024 }),
      node: nodeState({
        name: "n",
        gpus: [gpu(A100), gpu(A100, { occupants: [{ mib: 56 * 1024 }] })],
      }),
      reason: "needs 40 GiB on each of 2 GPUs; only 1 GPU has that free (largest free: 24 GiB)",
      unresolvable: false,
    },
    {
      name: "one GPU, none with room",
      pod: podRequest({ gpuCount: 1, gpuMiB: 40 * 1024 }),
      node: nodeState({
        name: "n",
        gpus: [gpu(A100, { occupants: [{ mib: 56 * 1024 }] }), gpu(A100, { occupants: [{ mib: 70 * 1024 }] })],
      }),
      reason: "needs 40 GiB on one GPU; no GPU has that free (largest free: 24 GiB)",
      unresolvable: false,
    },
    {
      name: "device too small for good",
      pod: podRequest({ gpuCount: 1, gpuMiB: 40 * 1024 }),
      node: nodeState({ name: "n", gpus: [gpu(24 * 1024, { product: "NVIDIA-A10" })] }),
      reason: "needs 40 GiB on one GPU; the largest GPU here has 24 GiB",
      unresolvable: true,
    },
    {
      name: "a share of a device, with the amount it comes to",
      pod: podRequest({ gpuCount: 1, gpuMilli: 500 }),
      node: nodeState({ name: "n", gpus: [gpu(A100, { occupants: [{ milli: 600 }] })] }),
      reason: "needs 50% of a GPU (40 GiB) on one GPU; no GPU has that free (largest free: 32 GiB)",
      unresolvable: false,
    },
    {
      name: "memory unknown",
      pod: podRequest({ gpuCount: 1 }),
      node: nodeState({ name: "n", gpus: [gpu(0, { product: "Mystery-GPU" })] }),
      reason:
        "GPU memory unknown: 1 GPU reports no memory (no label nvidia.com/gpu.memory, and Mystery-GPU is not in gpu.productMemoryMiB)",
      unresolvable: true,
    },
    {
      name: "product not accepted",
      pod: podRequest({ gpuCount: 1, gpuProducts: ["V100M16", "V100M32"] }),
      node: nodeState({ name: "n", gpus: [gpu(15360, { product: "T4" }), gpu(15360, { product: "T4" })] }),
      reason: "pod accepts GPU products V100M16, V100M32; node has T4 (0 accepted, needs 1)",
      unresolvable: true,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = run(c.pod, c.node);
      expect(r.rejection).toEqual({ signal: "gpuMemory", reason: c.reason, unresolvable: c.unresolvable });
      expect(r.fits).toBe(false);
    });
  }

  it("passes a pod without GPUs with a neutral score", () => {
    expect(run(podRequest({ gpuCount: 0 }), nodeState({ name: "cpu-only" }))).toEqual({
      rejection: null,
      fits: true,
      score: 5,
    });
  });

  it("lets fractional requests share a device exactly to its capacity", () => {
    const node = nodeState({ name: "n", gpus: [gpu(15360, { product: "T4", occupants: [{ milli: 530 }] })] });
    // Fill score with the default typical pods (shares 1000, 500, 250 weighted 10 : 3 : 2): the pod
    // takes 470 free, whose expected waste W(470) = (0.05·470 + 2/15·220) / (0.05 + 2/15) = 288.18
    // (only the 250 pods fit it, leaving 220 nothing fits), down to W(0) = 0: 5 + 288.18 / 200.
    const exact = run(podRequest({ gpuCount: 1, gpuMilli: 470 }), node);
    expect(exact).toMatchObject({ rejection: null, fits: true });
    expect(exact.score).toBeCloseTo(5 + (0.05 * 470 + (2 / 15) * 220) / (0.05 + 2 / 15) / 200, 10);
    expect(run(podRequest({ gpuCount: 1, gpuMilli: 471 }), node).fits).toBe(false);
  });
});

describe("gpuMemory score and device choice", () => {
  // Device 0 is half used, device 1 empty, device 2 three-quarters used.
  const node = nodeState({
    name: "n",
    gpus: [gpu(A100, { occupants: [{ milli: 500 }] }), gpu(A100), gpu(A100, { occupants: [{ milli: 750 }] })],
  });

  it("binpack takes the fullest device that fits and scores how full it ends up", () => {
    const c = makeContext(testConfig({ workloadClasses: { default: { gpuPacking: "binpack" } } }));
    const pod = podRequest({ gpuCount: 1, gpuMilli: 250 });
    expect(chooseDevices(pod, node, c)).toEqual([{ index: 2, units: 250 * A100 }]);
    expect(run(pod, node, c).score).toBe(10); // device 2 ends full
    const bigger = podRequest({ gpuCount: 1, gpuMilli: 400 });
    expect(chooseDevices(bigger, node, c)).toEqual([{ index: 0, units: 400 * A100 }]);
    expect(run(bigger, node, c).score).toBeCloseTo(9, 10); // 10 % of device 0 left
  });

  it("spread (per workload class) takes the emptiest device and scores how empty it stays", () => {
    const pod = podRequest({ gpuCount: 1, gpuMilli: 250, workloadClass: "latency-sensitive" });
    const c = makeContext(
      testConfig({
        workloadClasses: { default: { gpuPacking: "binpack" }, "latency-sensitive": { gpuPacking: "spread" } },
      }),
    );
    expect(chooseDevices(pod, node, c)).toEqual([{ index: 1, units: 250 * A100 }]);
    expect(run(pod, node, c).score).toBeCloseTo(7.5, 10);
  });

  it("whole-GPU pods take the lowest-index free devices", () => {
    const n = nodeState({
      name: "n",
      gpus: [gpu(A100, { occupants: [{ milli: 100 }] }), gpu(A100), gpu(A100), gpu(A100)],
    });
    expect(chooseDevices(podRequest({ gpuCount: 2 }), n, ctx)).toEqual([
      { index: 1, units: 1000 * A100 },
      { index: 2, units: 1000 * A100 },
    ]);
  });

  it("an unknown workload class uses the default class's packing", () => {
    const pod = podRequest({ gpuCount: 1, gpuMilli: 250, workloadClass: "constructor" });
    expect(chooseDevices(pod, node, ctx)).toEqual([{ index: 2, units: 250 * A100 }]);
  });

  it("chooseDevices returns the reason when nothing fits", () => {
    expect(chooseDevices(podRequest({ gpuCount: 4 }), node, ctx)).toEqual({
      signal: "gpuMemory",
      reason: "node has 3 GPUs; pod needs 4",
      unresolvable: true,
    });
  });
});
