/**
 * Simulated pods as the core's PodRequests, shaped as src/cluster reads the equivalent Kubernetes
 * pod: each tenant is its own namespace (a namespace is its tenant, src/cluster/tenant.ts), the tier comes
 * from the tierfit.io/isolation-tier annotation and the pod runs in that tier's first RuntimeClass
 * (so it runs at the tier it needs: sharingTier = tier), a share of a device from
 * tierfit.io/gpu-fraction and an amount of memory from tierfit.io/gpu-memory.
 */
import { tierByName } from "../../src/cluster/tier-match.js";
import type { PodRequest } from "../../src/cluster/types.js";
import type { TierfitConfig } from "../../src/config/schema.js";
import type { SyntheticPod } from "../workloads/synthetic.js";

const BYTES_PER_MIB = 1024 * 1024;
const BYTES_PER_GIB = 1024 ** 3;

function tierSource(config: TierfitConfig, tier: string): string {
  return `annotation ${config.tierSources.podAnnotation}=${tier}`;
}

/**
 * The tier a simulated pod needs and runs at, and the RuntimeClass it runs in (its tier's first;
 * a tier that lists none is still taken to be what the pod runs at).
 */
function tierFields(
  config: TierfitConfig,
  tier: string,
  what: string,
): Pick<PodRequest, "tier" | "tierSource" | "sharingTier" | "runtimeClassName"> {
  const index = tierByName(config, tier, what, "TF_ERR_CONFIG");
  const runtimeClassName = config.tiers[index].runtimeClasses[0];
  return {
    tier: index,
    tierSource: tierSource(config, tier),
    sharingTier: index,
    ...(runtimeClassName === undefined ? {} : { runtimeClassName }),
  };
}

/**
 * `passthroughTiers`: tiers whose pods run in a GPU-passthrough runtime (kata-qemu-nvidia-gpu):
 * they request nvidia.com/pgpu and take whole GPUs, whatever share the workload drew.
 */
export function syntheticPodRequest(
  pod: SyntheticPod,
  config: TierfitConfig,
  passthroughTiers: readonly string[] = [],
): PodRequest {
  const passthrough = pod.gpuCount > 0 && passthroughTiers.includes(pod.tier);
  return {
    key: `${pod.tenant}/${pod.name}`,
    namespace: pod.tenant,
    name: pod.name,
    uid: pod.name,
    gpuCount: pod.gpuCount,
    gpuMemory: { kind: "milli", milli: pod.gpuMilli },
    resources: { milliCpu: pod.milliCpu, memoryBytes: pod.memoryMiB * BYTES_PER_MIB, pods: 1 },
    ...tierFields(config, pod.tier, `synthetic pod ${pod.name}`),
    tenant: pod.tenant,
    model: null,
    workloadClass: "default",
    gpuProducts: [],
    ...(passthrough ? { exclusive: true, passthroughResource: true as const } : {}),
  };
}

/** What an inference replica's pod is made from. */
export interface ReplicaSpec {
  /** The service (and model) it serves: pods are `<service>-<n>`. */
  readonly service: string;
  readonly ordinal: number;
  /** GPU memory the replica reserves on its one device: weights + KV cache for its share of the load. */
  readonly gpuMemoryMiB: number;
  readonly tier: string;
  readonly tenant: string;
  /** Cores and GiB of host memory. */
  readonly cpu: number;
  readonly memoryGiB: number;
  readonly gpuProducts: readonly string[];
  readonly workloadClass: string;
}

export function replicaPodRequest(spec: ReplicaSpec, config: TierfitConfig): PodRequest {
  const name = `${spec.service}-${spec.ordinal}`;
  return {
    key: `${spec.tenant}/${name}`,
    namespace: spec.tenant,
    name,
    uid: `${spec.tenant}.${name}`,
    gpuCount: 1,
    // A Kubernetes quantity is whole bytes; MiB with a fraction would not survive the annotation.
    gpuMemory: { kind: "mib", mib: Math.ceil(spec.gpuMemoryMiB) },
    resources: {
      milliCpu: Math.round(spec.cpu * 1000),
      memoryBytes: Math.round(spec.memoryGiB * BYTES_PER_GIB),
      pods: 1,
    },
    ...tierFields(config, spec.tier, `service ${spec.service}`),
    tenant: spec.tenant,
    model: spec.service,
    workloadClass: Object.hasOwn(config.workloadClasses, spec.workloadClass) ? spec.workloadClass : "default",
    gpuProducts: spec.gpuProducts,
  };
}
