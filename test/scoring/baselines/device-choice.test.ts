/**
 * GPU choice inside the chosen node under the baselines, and the isolation flag: baselines, like
 * kube, put pods of different tenants on one GPU; tierfit never does below a sharing tier.
 */
import { describe, expect, it } from "vitest";
import type { Allocation, NodeState, PodRequest } from "../../../src/cluster/types.js";
import {
  bestFitPolicy,
  binpackPolicy,
  dotProductPolicy,
  gpuClusteringPolicy,
  gpuPackingPolicy,
  kubeDefaultPolicy,
} from "../../../src/scoring/baselines/policies.js";
import { policyByName } from "../../../src/scoring/baselines/registry.js";
import type { ScoringPolicy } from "../../../src/scoring/policy.js";
import { allocationFor, decide } from "../../../src/scoring/runner.js";
import { type GpuSpec, gpu, nodeState, podRequest } from "../../support/core-builders.js";
import { config, contextFor } from "./support.js";

const T4 = 15109;
const t4 = (used = 0, tenant = ""): GpuSpec =>
  gpu(T4, { product: "T4", occupants: used > 0 ? [{ milli: used, tenant }] : [] });

function devicesChosen(pod: PodRequest, node: NodeState, policy: ScoringPolicy): number[] {
  const alloc = allocationFor(pod, node, contextFor(policy));
  if (!("devices" in alloc)) throw new Error(`expected an allocation: ${alloc.reason}`);
  return (alloc as Allocation).devices.map((d) => d.index);
}

const BEST_FIT_CHOOSERS = [
  kubeDefaultPolicy,
  binpackPolicy,
  dotProductPolicy,
  gpuClusteringPolicy,
  gpuPackingPolicy,
  bestFitPolicy,
];

describe("GPU choice under the baselines", () => {
  // Free: 1000, 600, 1000, 300, 600, 1000.
  const node = nodeState({ name: "n", gpus: [t4(), t4(400), t4(), t4(700), t4(400), t4()] });

  it("whole-GPU pods take the lowest-index fully free GPUs", () => {
    for (const make of BEST_FIT_CHOOSERS) {
      expect(devicesChosen(podRequest({ gpuCount: 2 }), node, make())).toEqual([0, 2]);
    }
    expect(devicesChosen(podRequest({ gpuCount: 3 }), node, policyByName("fgd", config, { seed: 1 }))).toEqual([
      0, 2, 5,
    ]);
    expect(devicesChosen(podRequest({ gpuCount: 1 }), node, policyByName("random", config, { seed: 1 }))).toEqual([0]);
  });

  it("a sharing pod takes the GPU with the least free that fits, lowest index on ties", () => {
    for (const make of BEST_FIT_CHOOSERS) {
      // 500 fits on 1000, 600, 600, 1000…: the 600s are the tightest; GPU 1 before GPU 4.
      expect(devicesChosen(podRequest({ gpuCount: 1, gpuMilli: 500 }), node, make())).toEqual([1]);
      // 200 fits on GPU 3 (300 free) too: the tightest.
      expect(devicesChosen(podRequest({ gpuCount: 1, gpuMilli: 200 }), node, make())).toEqual([3]);
    }
  });

  it("a pod's gpu_spec is a filter", () => {
    const v100 = nodeState({ name: "v100", gpus: [gpu(16160, { product: "V100M16" })] });
    const d = decide(podRequest({ gpuCount: 1, gpuProducts: ["T4"] }), [v100, node], contextFor(bestFitPolicy()));
    expect(d.winner).toBe("n");
    expect(d.nodes[0].rejection?.reason).toBe("pod accepts GPU products T4; node has V100M16 (0 accepted, needs 1)");
  });

  it("kube's CPU and memory fit stays active beside the GPU filter", () => {
    const small = nodeState({ name: "small", cpu: 2, gpus: [t4()] });
    const d = decide(podRequest({ cpu: 4, gpuCount: 1 }), [small], contextFor(gpuPackingPolicy()));
    expect(d.winner).toBeNull();
    expect(d.nodes[0].rejection).toEqual({
      signal: "resourcesFit",
      reason: "Insufficient cpu: needs 4, 2 free of 2",
      unresolvable: true,
    });
  });
});

describe("isolation flag", () => {
  // GPU 0 holds half a GPU of tenant "b"; GPU 1 is free.
  const shared = nodeState({ name: "shared", gpus: [t4(500, "b"), t4()] });
  const onlyShared = nodeState({ name: "only-shared", gpus: [t4(500, "b")] });
  const podOfA = podRequest({ namespace: "a", gpuCount: 1, gpuMilli: 300 });

  it("baselines ignore tenancy: the pod joins tenant b's GPU (best fit)", () => {
    for (const name of ["bestfit", "gpu-packing", "kube-default", "fgd", "random"] as const) {
      const policy = policyByName(name, config, { seed: 3 });
      expect(policy.enforceIsolation).toBe(false);
      expect(decide(podOfA, [onlyShared], contextFor(policy)).winner).toBe("only-shared");
    }
    expect(devicesChosen(podOfA, shared, bestFitPolicy())).toEqual([0]);
  });

  it("tierfit keeps the pod off another tenant's GPU, and says why when none is left", () => {
    const tierfit = policyByName("tierfit", config, { seed: 3 });
    expect(devicesChosen(podOfA, shared, tierfit)).toEqual([1]);
    const d = decide(podOfA, [onlyShared], contextFor(tierfit));
    expect(d.winner).toBeNull();
    expect(d.nodes[0].rejection?.reason).toContain("not shared with another tenant");
  });
});
