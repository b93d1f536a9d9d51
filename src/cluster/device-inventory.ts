/**
 * A node's GPU devices from what the cluster publishes, in this order of truth: the DRA driver's
 * ResourceSlices; else GPU Feature Discovery's labels; else the configured product defaults.
 * With time-slicing or MPS replicas the devices are the physical GPUs (allocatable / replicas),
 * each taken one equal share at a time; with MIG (mixed strategy) the slices are devices of
 * their own, requested as `nvidia.com/mig-<profile>`. Pure: the same node objects give the same
 * devices, whoever asks.
 */
import type { TierfitConfig } from "../config/schema.js";
import { TierfitError } from "../errors.js";
import type { DraGpu } from "./dra-slices.js";
import { GFD_REPLICAS_LABEL, type GfdGpus, readGfdLabels } from "./gfd-labels.js";
import { labelMatches } from "./tier-match.js";
import type { DeviceSource, GpuDevice } from "./types.js";

export interface NodeDevices {
  readonly gpus: readonly GpuDevice[];
  readonly source: DeviceSource;
  readonly passthrough: boolean;
}

/** What the inventory reads of a v1 Node: labels and the whole count of an allocatable resource. */
export interface NodeFacts {
  readonly labels: Readonly<Record<string, string>>;
  readonly count: (resource: string) => number;
}

export function nodeDevices(
  node: NodeFacts,
  draGpus: readonly DraGpu[] | undefined,
  config: TierfitConfig,
  at: string,
): NodeDevices {
  const pgpus = node.count(config.gpu.passthrough.resourceName);
  const passthrough = pgpus > 0 || config.gpu.passthrough.nodeLabels.some((entry) => labelMatches(node.labels, entry));
  if (draGpus !== undefined && draGpus.length > 0) return { ...fromDra(draGpus, config), passthrough };
  const units = pgpus > 0 ? pgpus : node.count(config.gpu.resourceName);
  const gfd = readGfdLabels(node.labels, config, at);
  const resource = pgpus > 0 ? config.gpu.passthrough.resourceName : config.gpu.resourceName;
  const found =
    gfd === null ? fromConfig(node.labels, units, resource, config) : fromGfd(gfd, units, resource, node, config, at);
  // Devices advertised as nvidia.com/pgpu go only to pods that request it, as kube-scheduler counts them.
  const gpus =
    pgpus > 0 ? found.gpus.map((g) => (g.migProfile ? g : { ...g, passthroughResource: true as const })) : found.gpus;
  return { gpus, source: found.source, passthrough };
}

function fromDra(draGpus: readonly DraGpu[], config: TierfitConfig): Omit<NodeDevices, "passthrough"> {
  const gpus = draGpus.map((g, index) => ({
    index,
    product: g.product,
    memoryMiB: g.memoryMiB,
    draDevice: g.device,
    ...(g.migProfile === undefined ? {} : { migProfile: g.migProfile }),
  }));
  const kinds = countBy(
    draGpus.map((g) => (g.migProfile ? `MIG ${g.migProfile}` : g.shared ? `shared ${g.type}` : g.type)),
  );
  return { gpus, source: { kind: "dra", detail: `DRA ResourceSlices of ${config.gpu.draDriver}: ${kinds}` } };
}

function fromConfig(
  labels: Readonly<Record<string, string>>,
  count: number,
  resource: string,
  config: TierfitConfig,
): Omit<NodeDevices, "passthrough"> {
  const product = labels[config.gpu.productLabel] ?? "unknown";
  const memoryMiB = config.gpu.productMemoryMiB[product] ?? 0;
  const gpus = range(count).map((index) => ({ index, product, memoryMiB }));
  const memory = memoryMiB > 0 ? `${memoryMiB} MiB each from gpu.productMemoryMiB` : "memory unknown";
  return {
    gpus,
    source: {
      kind: "config",
      detail: `no DRA slices or GFD labels: ${count} × ${resource}, product ${product}, ${memory}`,
    },
  };
}

function fromGfd(
  gfd: GfdGpus,
  units: number,
  resource: string,
  node: NodeFacts,
  config: TierfitConfig,
  at: string,
): Omit<NodeDevices, "passthrough"> {
  const product = gfd.product ?? "unknown";
  const memoryMiB = gfd.memoryMiB ?? config.gpu.productMemoryMiB[product] ?? 0;
  const gpus: GpuDevice[] = [];
  const notes: string[] = [];
  if (gfd.replicas > 1) {
    if (units % gfd.replicas !== 0) {
      throw new TierfitError(
        "TF_ERR_INPUT",
        `${at}: ${units} ${resource} is not a whole number of GPUs at ${GFD_REPLICAS_LABEL}=${gfd.replicas}`,
      );
    }
    const physical = units / gfd.replicas;
    for (let index = 0; index < physical; index++) gpus.push({ index, product, memoryMiB, replicas: gfd.replicas });
    notes.push(`${physical} GPUs × ${gfd.replicas} ${gfd.sharingStrategy ?? "time-slicing"} replicas`);
  } else {
    for (let index = 0; index < units; index++) gpus.push({ index, product, memoryMiB });
    notes.push(`${units} × ${resource}`);
  }
  for (const mig of gfd.migProfiles) {
    // Allocatable says how many slices kube-scheduler will hand out; the label, how many exist.
    const slices = node.count(`nvidia.com/mig-${mig.profile}`) || mig.count;
    for (let k = 0; k < slices; k++) {
      gpus.push({ index: gpus.length, product, memoryMiB: mig.memoryMiB, migProfile: mig.profile });
    }
    notes.push(`${slices} MIG ${mig.profile} slices`);
  }
  if (gfd.migStrategy === "single" && product.includes("-MIG-"))
    notes.push("MIG single strategy: each unit is a slice");
  const memory =
    gfd.memoryMiB !== null
      ? `${memoryMiB} MiB per GPU`
      : memoryMiB > 0
        ? `${memoryMiB} MiB per GPU from gpu.productMemoryMiB`
        : "memory unknown";
  return {
    gpus,
    source: { kind: "gfd", detail: `GPU Feature Discovery labels: ${notes.join(", ")}, product ${product}, ${memory}` },
  };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** "2 gpu, 3 MIG 1g.10gb" in first-seen order. */
function countBy(items: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return [...counts].map(([item, n]) => `${n} ${item}`).join(", ");
}
