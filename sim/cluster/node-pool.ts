/**
 * A simulated cluster described as node groups ("8 nodes of 8 × A100 80 GB at the hypervisor
 * tier"), turned into the core's NodeViews exactly as src/cluster would read the same nodes from
 * Kubernetes: GPU Feature Discovery's product and memory labels, and the tier label.
 */
import { tierByName } from "../../src/cluster/tier-match.js";
import type { NodeView } from "../../src/cluster/types.js";
import type { TierfitConfig } from "../../src/config/schema.js";
import { TierfitError } from "../../src/errors.js";

const BYTES_PER_GIB = 1024 ** 3;

export interface NodeGroup {
  /** Node names are `<name>-<index>`, index zero-padded to three digits. */
  readonly name: string;
  readonly count: number;
  /** GPUs per node (0 for CPU-only nodes). */
  readonly gpus: number;
  /** GPU product as GPU Feature Discovery names it (`NVIDIA-A100-SXM4-80GB`). */
  readonly product: string;
  /** Per-device memory; the config's gpu.productMemoryMiB for the product when absent. */
  readonly gpuMemoryMiB?: number;
  /** Isolation tier (a config tier name), as the node's tierfit.io/isolation-tier label would give it. */
  readonly tier: string;
  /** GPUs passed through whole to VMs, advertised as the config's gpu.passthrough.resourceName. */
  readonly passthrough?: boolean;
  /** Allocatable cores, GiB and pods. */
  readonly cpu: number;
  readonly memoryGiB: number;
  readonly pods: number;
}

/** The view of node `index` of `group`, with the labels a real node of that kind carries. */
export function poolNodeView(group: NodeGroup, index: number, config: TierfitConfig): NodeView {
  const name = `${group.name}-${String(index).padStart(3, "0")}`;
  const memoryMiB = group.gpus > 0 ? deviceMemory(group, config) : 0;
  const tierLabel = config.tierSources.nodeLabel;
  const labels: Record<string, string> = { [tierLabel]: group.tier };
  if (group.gpus > 0) {
    labels[config.gpu.productLabel] = group.product;
    labels[config.gpu.memoryLabel] = String(memoryMiB);
  }
  // What the NVIDIA GPU Operator labels a node set up for Kata GPU passthrough with.
  if (group.passthrough) labels["nvidia.com/gpu.workload.config"] = "vm-passthrough";
  const kind = group.passthrough ? { passthroughResource: true as const } : {};
  return {
    name,
    labels,
    allocatable: {
      milliCpu: Math.round(group.cpu * 1000),
      memoryBytes: Math.round(group.memoryGiB * BYTES_PER_GIB),
      pods: group.pods,
    },
    gpus: Array.from({ length: group.gpus }, (_, i) => ({ index: i, product: group.product, memoryMiB, ...kind })),
    tier: tierByName(config, group.tier, `node group ${group.name}`, "TF_ERR_CONFIG"),
    tierSource: `label ${tierLabel}=${group.tier}`,
    unschedulable: false,
    ...(group.passthrough ? { passthrough: true } : {}),
  };
}

/**
 * Every node of the pool, interleaved across groups in proportion to their sizes (node i of a
 * group of n sits at (i + ½) / n), so the first k nodes keep the pool's mix of kinds and tiers:
 * what a smaller cluster of the same shape looks like.
 */
export function poolNodeViews(groups: readonly NodeGroup[], config: TierfitConfig): NodeView[] {
  const slots: { key: number; group: number; index: number }[] = [];
  groups.forEach((group, g) => {
    for (let i = 0; i < group.count; i++) slots.push({ key: (i + 0.5) / group.count, group: g, index: i });
  });
  slots.sort((a, b) => a.key - b.key || a.group - b.group);
  return slots.map((s) => poolNodeView(groups[s.group], s.index, config));
}

/** Whole GPUs in a list of views. */
export function gpuCount(views: readonly NodeView[]): number {
  let n = 0;
  for (const v of views) n += v.gpus.length;
  return n;
}

function deviceMemory(group: NodeGroup, config: TierfitConfig): number {
  const table = config.gpu.productMemoryMiB;
  const mib = group.gpuMemoryMiB ?? (Object.hasOwn(table, group.product) ? table[group.product] : undefined);
  if (mib === undefined || !(mib > 0)) {
    throw new TierfitError(
      "TF_ERR_CONFIG",
      `node group ${group.name}: GPU product "${group.product}" has no known memory; set gpuMemoryMiB for the group`,
    );
  }
  return mib;
}
