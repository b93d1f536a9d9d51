/**
 * Per-device GPU fit: which devices a pod may use (product, known memory), how much it needs on
 * each, and — on the slow path only — why a node's devices cannot take it, with numbers.
 */
import { formatRequest, formatUnits, unitsOnDevice } from "../cluster/gpu-units.js";
import {
  type DeviceState,
  type GpuDevice,
  MEM_UNITS_PER_MIB,
  type NodeState,
  type PodRequest,
} from "../cluster/types.js";
import type { TierConfig, TierfitConfig } from "../config/schema.js";
import { plural } from "./format.js";
import { blockingOccupants, deviceOpenOnNode } from "./tenancy.js";
import type { Rejection } from "./types.js";

/**
 * Whether the pod accepts this device's product (an empty list accepts any) and the device is of
 * the resource the pod requests (the same MIG profile or none; passthrough `nvidia.com/pgpu` or not).
 */
export function productAllowed(pod: PodRequest, gpu: GpuDevice): boolean {
  return (
    gpu.migProfile === pod.migProfile &&
    gpu.passthroughResource === pod.passthroughResource &&
    acceptsProduct(pod, gpu.product)
  );
}

/** Whether the pod takes whole physical GPUs no other pod holds: its own runtime's rule or the node's. */
export function takesWholeGpus(pod: PodRequest, node: NodeState): boolean {
  return pod.exclusive === true || node.view.passthrough === true;
}

/** Whether placing the pod on this device needs the device-kind rules of deviceUnits. */
export function needsKindRules(pod: PodRequest, gpu: GpuDevice, whole: boolean): boolean {
  return (
    whole ||
    pod.migProfile !== undefined ||
    gpu.migProfile !== undefined ||
    gpu.replicas !== undefined ||
    gpu.passthroughResource !== undefined
  );
}

/**
 * Units the pod takes on the device, or -1 when the device cannot serve it at all; free room and
 * tenancy aside. Whole-GPU pods (passthrough) take an unoccupied device's whole capacity, even of
 * unknown memory (nothing else can share it), never a replica or a MIG slice they did not ask
 * for; a MIG slice is likewise taken whole by the one pod it is handed to. On a GPU shared by device-plugin replicas every pod takes exactly one equal share, what
 * MPS enforces and time-slicing is accounted as; a request above one share does not fit.
 */
export function deviceUnits(pod: PodRequest, gpu: GpuDevice, device: DeviceState, whole: boolean): number {
  if (!productAllowed(pod, gpu)) return -1;
  // kube-scheduler hands out a MIG slice whole, like a passed-through GPU.
  if (whole || gpu.migProfile !== undefined) {
    return device.occupants.length > 0 || gpu.replicas !== undefined ? -1 : device.capacityUnits;
  }
  if (gpu.memoryMiB <= 0) return -1;
  if (gpu.replicas === undefined) return unitsOnDevice(pod.gpuMemory, gpu.memoryMiB);
  const share = Math.floor(device.capacityUnits / gpu.replicas);
  const req = pod.gpuMemory;
  return req.kind === "mib" && Math.ceil(req.mib * MEM_UNITS_PER_MIB) > share ? -1 : share;
}

/** Whether the pod accepts this product (an empty list accepts any). */
export function acceptsProduct(pod: PodRequest, product: string): boolean {
  const products = pod.gpuProducts;
  if (products.length === 0) return true;
  for (let i = 0; i < products.length; i++) if (products[i] === product) return true;
  return false;
}

/** Units the pod needs on device i of the node; -1 when that device cannot serve it (deviceUnits). */
export function unitsNeeded(pod: PodRequest, node: NodeState, i: number): number {
  return deviceUnits(pod, node.view.gpus[i], node.devices[i], takesWholeGpus(pod, node));
}

/** Units the pod would take on device i now, or -1: kind, room, and (when `isolate`) tenancy. */
export function unitsIfOpen(
  pod: PodRequest,
  node: NodeState,
  i: number,
  tiers: readonly TierConfig[],
  isolate: boolean,
): number {
  const units = unitsNeeded(pod, node, i);
  if (units < 0 || units > node.devices[i].freeUnits) return -1;
  return isolate && !deviceOpenOnNode(pod, node, i, tiers) ? -1 : units;
}

/** Whether the device can take one of the pod's GPUs now, tenancy aside. */
export function deviceHasRoom(pod: PodRequest, node: NodeState, index: number): boolean {
  const units = unitsNeeded(pod, node, index);
  return units >= 0 && units <= node.devices[index].freeUnits;
}

/**
 * Why the node's devices cannot take the pod. Called only after device choice failed, so it may
 * allocate. Checks in order of what an operator would fix first: device count, product, unknown
 * memory, memory too small for good, memory in use, then other tenants holding the devices.
 */
export function gpuShortfall(pod: PodRequest, node: NodeState, config: TierfitConfig): Rejection {
  const need = pod.gpuCount;
  const gpus = node.view.gpus;
  const reject = (reason: string, unresolvable: boolean): Rejection => ({
    signal: "gpuMemory",
    reason,
    unresolvable,
  });
  if (gpus.length < need) {
    return reject(
      gpus.length === 0
        ? `node has no GPUs; pod needs ${need}`
        : `node has ${plural(gpus.length, "GPU")}; pod needs ${need}`,
      true,
    );
  }
  const whole = takesWholeGpus(pod, node);
  if (whole || pod.migProfile !== undefined) {
    const special = kindShortfall(pod, node, whole);
    if (special !== null) return reject(special.reason, special.unresolvable);
  }
  // One pass for the counts every later check needs (this runs for every failing node).
  let allowed = 0;
  let known = 0;
  let bigEnough = 0;
  let largest = 0;
  let withRoom = 0;
  let largestFree = 0;
  let memoryMiB = -1; // the candidates' common memory, NaN when they differ
  for (let i = 0; i < gpus.length; i++) {
    const g = gpus[i];
    if (!productAllowed(pod, g)) continue;
    allowed++;
    if (g.memoryMiB <= 0) continue;
    known++;
    memoryMiB = memoryMiB === -1 || memoryMiB === g.memoryMiB ? g.memoryMiB : Number.NaN;
    const units = unitsNeeded(pod, node, i);
    const device = node.devices[i];
    const room = g.replicas === undefined ? device.capacityUnits : Math.floor(device.capacityUnits / g.replicas);
    largest = Math.max(largest, room);
    if (units < 0) continue;
    if (units <= device.capacityUnits) bigEnough++;
    // "Largest free" describes the devices that fall short, the ones the pod is waiting on.
    if (units <= device.freeUnits) withRoom++;
    else largestFree = Math.max(largestFree, device.freeUnits);
  }
  if (allowed < need) {
    const ofKind = gpus.filter(
      (g) => g.migProfile === pod.migProfile && g.passthroughResource === pod.passthroughResource,
    ).length;
    if (ofKind < need) {
      const kind = pod.passthroughResource ? config.gpu.passthrough.resourceName : config.gpu.resourceName;
      const others = gpus.some((g) => g.migProfile !== undefined)
        ? "; its other devices are MIG slices"
        : gpus.some((g) => g.passthroughResource)
          ? `; its GPUs are passed through whole (${config.gpu.passthrough.resourceName})`
          : "";
      return reject(`node has ${ofKind} ${kind}; pod needs ${need}${others}`, true);
    }
    const products = [...new Set(gpus.map((g) => g.product))].join(", ");
    return reject(
      `pod accepts GPU products ${pod.gpuProducts.join(", ")}; node has ${products} (${allowed} accepted, needs ${need})`,
      true,
    );
  }
  if (known < need) {
    const unknown = allowed - known;
    const unknownProducts = [...new Set(gpus.filter((g) => g.memoryMiB <= 0).map((g) => g.product))].join(", ");
    return reject(
      `GPU memory unknown: ${plural(unknown, "GPU")} ${unknown === 1 ? "reports" : "report"} no memory (no label ${config.gpu.memoryLabel}, and ${unknownProducts} is not in gpu.productMemoryMiB)`,
      true,
    );
  }
  const replicas = gpus.find((g) => g.replicas !== undefined)?.replicas;
  const what =
    replicas === undefined
      ? requestText(pod, memoryMiB)
      : `one replica (1/${replicas} of a GPU${memoryMiB > 0 ? `, ${formatUnits(Math.floor((memoryMiB * 1000) / replicas))}` : ""})`;
  const where = need === 1 ? "on one GPU" : `on each of ${need} GPUs`;
  if (bigEnough < need) {
    const unit = replicas === undefined ? "GPU" : `replica (1/${replicas} of a GPU, shared by the device plugin)`;
    return reject(`needs ${what} ${where}; the largest ${unit} here has ${formatUnits(largest)}`, true);
  }
  if (withRoom < need) {
    const have = withRoom === 0 ? "no GPU has" : withRoom === 1 ? "only 1 GPU has" : `only ${withRoom} GPUs have`;
    return reject(`needs ${what} ${where}; ${have} that free (largest free: ${formatUnits(largestFree)})`, false);
  }
  return tenantShortfall(pod, node, config);
}

/**
 * Why a MIG or whole-GPU pod does not fit, or null to fall through to the memory checks: slices
 * of its profile missing or taken; for passthrough, too few GPUs that no pod holds.
 */
function kindShortfall(pod: PodRequest, node: NodeState, whole: boolean): Rejection | null {
  const need = pod.gpuCount;
  let kind = 0;
  let free = 0;
  for (let i = 0; i < node.devices.length; i++) {
    const gpu = node.view.gpus[i];
    if (gpu.migProfile !== pod.migProfile || gpu.passthroughResource !== pod.passthroughResource) continue;
    if (whole && gpu.replicas !== undefined) continue;
    kind++;
    if (deviceHasRoom(pod, node, i)) free++;
  }
  const what = pod.migProfile !== undefined ? `MIG ${pod.migProfile} slice` : "whole GPU";
  const why = whole
    ? pod.exclusive
      ? " (GPU passthrough: shared with no other pod)"
      : " (the node passes GPUs through whole)"
    : "";
  const reason = (text: string, unresolvable: boolean): Rejection => ({
    signal: "gpuMemory",
    reason: `needs ${plural(need, what)}${why}; ${text}`,
    unresolvable,
  });
  if (kind < need) {
    // Too few GPUs of the pod's resource at all: the general check names the resource.
    return pod.migProfile === undefined ? null : reason(`node has ${kind === 0 ? "none" : kind}`, true);
  }
  if (free < need) return reason(`${free} of ${kind} ${free === 1 ? "is" : "are"} free`, false);
  return null;
}

/** The memory fits but other tenants hold the devices: name how many of their pods, never which. */
function tenantShortfall(pod: PodRequest, node: NodeState, config: TierfitConfig): Rejection {
  let withRoom = 0;
  let blocked = 0;
  let blockers = 0;
  for (let i = 0; i < node.devices.length; i++) {
    if (!deviceHasRoom(pod, node, i)) continue;
    withRoom++;
    const device = node.devices[i];
    if (!deviceOpenOnNode(pod, node, i, config.tiers)) {
      blocked++;
      blockers += blockingOccupants(pod, device, config.tiers);
    }
  }
  return {
    signal: "isolationTier",
    reason: `needs ${plural(pod.gpuCount, "GPU")} not shared with another tenant; ${blocked} of ${plural(withRoom, "GPU")} with room ${blocked === 1 ? "holds" : "hold"} ${plural(blockers, "pod")} of another tenant, and ${sharingRule(pod, config)}`,
    unresolvable: false,
  };
}

/**
 * Why the pod and those holders may not share: the pod runs at a tier that shares but they do
 * not; or its tier does not share; or only its annotation, not its RuntimeClass, names a tier
 * that would (what the pod runs at decides, so an annotation never opens another tenant's GPU).
 */
function sharingRule(pod: PodRequest, config: TierfitConfig): string {
  const tierName = (t: number) => config.tiers[t]?.name ?? String(t);
  if (config.tiers[pod.sharingTier]?.shareDevicesAcrossTenants) {
    return "their pods run at a tier that does not share GPUs across tenants";
  }
  if (!config.tiers[pod.tier]?.shareDevicesAcrossTenants) {
    return `tier ${tierName(pod.tier)} does not share GPUs across tenants`;
  }
  // The pod's tier shares but the tier it runs at does not: the annotation raised it. A
  // RuntimeClass no tier lists runs at the weakest tier, so naming that tier says it all.
  const rc = pod.runtimeClassName;
  const runtime = rc === undefined ? "none" : `${rc}, tier ${tierName(pod.sharingTier)}`;
  return `pod's tier ${tierName(pod.tier)} comes from annotation ${config.tierSources.podAnnotation}, not its runtimeClass (${runtime}), so it shares no GPU across tenants`;
}

/** "40 GiB", or for a share "46% of a GPU (7.4 GiB)" when every candidate device has the same memory. */
function requestText(pod: PodRequest, commonMemoryMiB: number): string {
  const req = pod.gpuMemory;
  if (req.kind === "mib" || !(commonMemoryMiB > 0)) return formatRequest(req);
  return `${formatRequest(req)} (${formatUnits(unitsOnDevice(req, commonMemoryMiB))})`;
}
