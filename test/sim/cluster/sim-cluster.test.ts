/** SimCluster: the extender's calls for placement, counters kept right through place and release. */
import { describe, expect, it } from "vitest";
import { type NodeGroup, poolNodeViews } from "../../../sim/cluster/node-pool.js";
import { SimCluster } from "../../../sim/cluster/sim-cluster.js";
import { policyFor } from "../../../sim/runs/policies.js";
import { defaultConfig } from "../../../src/config/load.js";
import { makeContext } from "../../../src/scoring/context.js";
import { idleGpuMilli, mixCpuPerGpu, nodeFragmentation } from "../../../src/scoring/fragmentation.js";
import type { TypicalPod } from "../../../src/scoring/types.js";
import { podRequest } from "../../support/core-builders.js";

const config = defaultConfig();
const groups: NodeGroup[] = [
  {
    name: "a",
    count: 2,
    gpus: 4,
    product: "NVIDIA-A100-SXM4-80GB",
    tier: "shared-kernel",
    cpu: 64,
    memoryGiB: 256,
    pods: 110,
  },
  {
    name: "k",
    count: 1,
    gpus: 8,
    product: "NVIDIA-A100-SXM4-80GB",
    tier: "hypervisor",
    cpu: 64,
    memoryGiB: 256,
    pods: 110,
  },
];
const mix: TypicalPod[] = [{ milliCpu: 1000, gpuCount: 1, gpuMilli: 500, weight: 1 }];

describe("SimCluster", () => {
  it("counts powered GPUs, busy devices and the allocated share, per node tier", () => {
    const cluster = new SimCluster(poolNodeViews(groups, config), makeContext(config, { now: 0 }));
    expect(cluster.totalGpus).toBe(16);
    expect(cluster.gpusByTier).toEqual([8, 0, 8]);
    const half = cluster.place(podRequest({ name: "half", gpuCount: 1, gpuMilli: 500, tenant: "t" }))!;
    const vm = cluster.place(podRequest({ name: "vm", gpuCount: 2, tier: 2, tenant: "t" }))!;
    expect(half.node.startsWith("a-")).toBe(true);
    expect(vm.node).toBe("k-000");
    expect(cluster.poweredGpus).toBe(12);
    expect(cluster.poweredGpusOfTier(0)).toBe(4);
    expect(cluster.poweredGpusOfTier(2)).toBe(8);
    expect(cluster.busyDevices).toBe(3);
    expect(cluster.allocatedGpus).toBeCloseTo(2.5, 12);
    expect(cluster.allocatedGpusOfTier(2)).toBeCloseTo(2, 12);
    cluster.release(half.allocation.podKey);
    expect(cluster.poweredGpus).toBe(8);
    expect(cluster.allocatedGpus).toBeCloseTo(2, 12);
    cluster.release(vm.allocation.podKey);
    expect([cluster.poweredGpus, cluster.busyDevices, cluster.poweredNodes]).toEqual([0, 0, 0]);
  });

  it("scores with the config's typical pods' CPU learnt from the pods it runs", () => {
    const configured = makeContext(config, { now: 0 });
    const cluster = new SimCluster(poolNodeViews(groups, config), configured);
    expect(cluster.context.workloadMix).toBe(configured.workloadMix);
    // Half a GPU with 3 cores: 3000 / 500 = 6 cores per GPU.
    cluster.place(podRequest({ name: "p", gpuCount: 1, gpuMilli: 500, cpu: 3 }));
    expect(mixCpuPerGpu(cluster.context.workloadMix)).toBe(6);
    cluster.release("default/p");
    expect(cluster.context.workloadMix).toBe(configured.workloadMix);
  });

  it("returns null when no node passes the policy's filters", () => {
    const cluster = new SimCluster(poolNodeViews(groups, config), makeContext(config, { now: 0 }));
    expect(cluster.place(podRequest({ gpuCount: 16 }))).toBeNull();
    expect(cluster.fitsOn(podRequest({ gpuCount: 8 }), "k-000")).toBe(true);
    expect(cluster.fitsOn(podRequest({ gpuCount: 8 }), "a-000")).toBe(false);
  });

  it("keeps cluster fragmentation equal to a fresh sum over the nodes as pods come and go", () => {
    const ctx = makeContext(config, { now: 0, policy: policyFor("random", config, { seed: 4 }) });
    const cluster = new SimCluster(poolNodeViews(groups, config), ctx);
    const placed: string[] = [];
    for (let i = 0; i < 40; i++) {
      const p = cluster.place(podRequest({ name: `p${i}`, gpuCount: 1, gpuMilli: 250 * (1 + (i % 4)), cpu: 1 }));
      if (p) placed.push(p.allocation.podKey);
      if (i % 3 === 0 && placed.length > 0) cluster.release(placed.shift()!);
      const fresh = cluster.ledger
        .nodes()
        .reduce((sum, n) => ({ f: sum.f + nodeFragmentation(n, mix), idle: sum.idle + idleGpuMilli(n) }), {
          f: 0,
          idle: 0,
        });
      const kept = cluster.fragmentation(mix);
      expect(kept.fragmentMilli).toBeCloseTo(fresh.f, 6);
      expect(kept.idleMilli).toBeCloseTo(fresh.idle, 6);
    }
    expect(placed.length).toBeGreaterThan(5);
  });
});
