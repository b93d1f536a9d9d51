/**
 * Simulated pods run in their tier's first RuntimeClass, so the tier they run at (sharingTier,
 * which decides sharing a GPU across tenants) is the tier they need, as for a real pod whose
 * RuntimeClass gives it its tier.
 */
import { describe, expect, it } from "vitest";
import { poolNodeViews } from "../../../sim/cluster/node-pool.js";
import { SimCluster } from "../../../sim/cluster/sim-cluster.js";
import { replicaPodRequest, syntheticPodRequest } from "../../../sim/cluster/sim-pods.js";
import type { SyntheticPod } from "../../../sim/workloads/synthetic.js";
import { defaultConfig } from "../../../src/config/load.js";
import { configSchema } from "../../../src/config/schema.js";
import { makeContext } from "../../../src/scoring/context.js";

const config = defaultConfig();

function synthetic(name: string, tier: string, tenant: string, gpuMilli = 1000): SyntheticPod {
  return {
    name,
    arrivalTime: 0,
    durationSeconds: 1,
    departureTime: 1,
    gpuCount: 1,
    gpuMilli,
    tier,
    tenant,
    milliCpu: 1000,
    memoryMiB: 1024,
    batch: 0,
  };
}

describe("simulated pods", () => {
  it.each(config.tiers.map((t, i) => [t.name, i] as const))("of tier %s run at it (%d)", (name, index) => {
    const pod = syntheticPodRequest(synthetic("p", name, "t"), config);
    const replica = replicaPodRequest(
      {
        service: "svc",
        ordinal: 0,
        gpuMemoryMiB: 8192,
        tier: name,
        tenant: "t",
        cpu: 1,
        memoryGiB: 1,
        gpuProducts: [],
        workloadClass: "default",
      },
      config,
    );
    for (const r of [pod, replica]) {
      expect([r.tier, r.sharingTier, r.runtimeClassName]).toEqual([
        index,
        index,
        config.tiers[index].runtimeClasses[0],
      ]);
    }
    // A passthrough pod too: it takes whole GPUs, and runs at its tier all the same.
    const whole = syntheticPodRequest(synthetic("w", name, "t"), config, [name]);
    expect([whole.exclusive, whole.sharingTier]).toEqual([true, index]);
  });

  it("of two tenants share a GPU where their tier lets tenants share, and only there", () => {
    const sharing = configSchema.parse({
      tiers: [
        { name: "shared-kernel", runtimeClasses: ["runc"] },
        { name: "hypervisor", runtimeClasses: ["kata"], shareDevicesAcrossTenants: true },
      ],
    });
    const views = (tier: string) =>
      poolNodeViews(
        [{ name: "n", count: 1, gpus: 1, product: "NVIDIA-A100-SXM4-80GB", tier, cpu: 64, memoryGiB: 256, pods: 110 }],
        sharing,
      );
    for (const [tier, shares] of [
      ["hypervisor", true],
      ["shared-kernel", false],
    ] as const) {
      const cluster = new SimCluster(views(tier), makeContext(sharing, { now: 0 }));
      expect(cluster.place(syntheticPodRequest(synthetic("a", tier, "tenant-a", 500), sharing))).not.toBeNull();
      const b = cluster.place(syntheticPodRequest(synthetic("b", tier, "tenant-b", 500), sharing));
      expect(b !== null, tier).toBe(shares);
    }
  });
});
