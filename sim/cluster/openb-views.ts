/**
 * The openb trace's nodes and pods as the scoring core's views, so the simulator feeds the core
 * exactly the shapes the extender builds from Kubernetes objects. One GpuDevice per GPU; a pod
 * asks for `num_gpu` devices, each with `gpu_milli` thousandths free (the trace's fit rule).
 */
import type { NodeView, PodRequest } from "../../src/cluster/types.js";
import { TierfitError } from "../../src/errors.js";
import type { OpenbNode, OpenbPod } from "../workloads/openb.js";

const BYTES_PER_MIB = 1024 * 1024;

/**
 * The protocol's fit rule (README step 5) is CPU, memory and GPUs; it has no pod-count limit,
 * so nodes get one no trace can reach.
 */
export const OPENB_POD_LIMIT = 1_000_000;

/**
 * Alibaba did not disclose which GPUs G1, G2 and G3 are. We assume 32 GiB devices. openb pods ask
 * for shares of a device (gpu_milli), never for an amount of memory, so any positive value gives
 * the same placements and ratios; the value only sets the ledger's memory units.
 */
export const UNDISCLOSED_GPU_MEMORY_MIB: Readonly<Record<string, number>> = {
  G1: 32_768,
  G2: 32_768,
  G3: 32_768,
};

/** Every openb pod belongs to one tenant and needs no isolation beyond the weakest tier. */
export const OPENB_NAMESPACE = "openb";
export const OPENB_TENANT = "openb";

export interface OpenbViewOptions {
  /** Per-device memory by GPU model (config.gpu.productMemoryMiB plus the undisclosed models). */
  readonly productMemoryMiB: Readonly<Record<string, number>>;
  /** The node's name in the simulated cluster; the trace's name unless set (e.g. with a tie-order prefix). */
  readonly name?: string;
}

export function openbNodeView(node: OpenbNode, tier: number, options: OpenbViewOptions): NodeView {
  const memoryMiB = node.gpus > 0 ? gpuMemoryOf(node, options.productMemoryMiB) : 0;
  return {
    name: options.name ?? node.name,
    labels: {},
    allocatable: { milliCpu: node.milliCpu, memoryBytes: node.memoryMiB * BYTES_PER_MIB, pods: OPENB_POD_LIMIT },
    gpus: Array.from({ length: node.gpus }, (_, index) => ({ index, product: node.model, memoryMiB })),
    tier,
    tierSource: "openb trace (no isolation tiers)",
    unschedulable: false,
  };
}

export function openbPodRequest(pod: OpenbPod): PodRequest {
  return {
    key: `${OPENB_NAMESPACE}/${pod.name}`,
    namespace: OPENB_NAMESPACE,
    name: pod.name,
    uid: pod.name,
    gpuCount: pod.gpuCount,
    // A CPU-only pod takes no device; its share is never read.
    gpuMemory: { kind: "milli", milli: pod.gpuCount > 0 ? pod.gpuMilli : 1000 },
    resources: { milliCpu: pod.milliCpu, memoryBytes: pod.memoryMiB * BYTES_PER_MIB, pods: 1 },
    tier: 0,
    tierSource: "openb trace (no isolation tiers)",
    sharingTier: 0,
    tenant: OPENB_TENANT,
    model: null,
    workloadClass: "default",
    gpuProducts: pod.gpuSpec,
  };
}

/**
 * The artifact's tie order as node names: rank `r` in `fgdNodeTieOrder` becomes the prefix
 * `rrrr-` (zero-padded to one width), so the core's name-ascending tie-break picks nodes in that order.
 */
export function tieOrderedName(rank: number, node: OpenbNode, nodeCount: number): string {
  const width = Math.max(4, String(Math.max(0, nodeCount - 1)).length);
  return `${String(rank).padStart(width, "0")}-${node.name}`;
}

function gpuMemoryOf(node: OpenbNode, productMemoryMiB: Readonly<Record<string, number>>): number {
  const mib = Object.hasOwn(productMemoryMiB, node.model) ? productMemoryMiB[node.model] : undefined;
  if (mib === undefined || !(mib > 0)) {
    throw new TierfitError(
      "TF_ERR_INPUT",
      `node ${node.name}: GPU model "${node.model}" has no known memory; add it to the scenario's openb.gpuMemoryMiB`,
    );
  }
  return mib;
}
