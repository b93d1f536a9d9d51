/** The config the cluster tests run against: three tiers, runtime labels, one product default. */
import { configSchema, type TierfitConfig } from "../../src/config/schema.js";

export function clusterTestConfig(): TierfitConfig {
  return configSchema.parse({
    tiers: [
      { name: "shared-kernel", runtimeClasses: ["runc"] },
      { name: "sandboxed", runtimeClasses: ["gvisor", "runsc"] },
      { name: "hypervisor", runtimeClasses: ["kata", "kata-*"], shareDevicesAcrossTenants: true },
    ],
    tierSources: {
      runtimeLabels: [
        { label: "runtime.gvisor.dev/enabled", tier: "sandboxed" },
        { label: "katacontainers.io/kata-runtime", value: "true", tier: "hypervisor" },
      ],
    },
    gpu: { productMemoryMiB: { "Tesla-T4": 15360 } },
    workloadClasses: { default: { gpuPacking: "binpack" }, "latency-sensitive": { gpuPacking: "spread" } },
  });
}
