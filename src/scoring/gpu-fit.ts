/**
 * Per-device GPU fit: which devices a pod may use (product, known memory), how much it needs on
 * each, and — on the slow path only — why a node's devices cannot take it, with numbers.
 */
import { formatRequest, formatUnits, unitsOnDevice } from "../cluster/gpu-units.js";
import type { GpuDevice, NodeState, PodRequest } from "../cluster/types.js";
import type { TierfitConfig } from "../config/schema.js";
import { plural } from "./format.js";
import { blockingOccupants, deviceOpenToPod } from "./tenancy.js";
import type { Rejection } from "./types.js";

/** Whether the pod accepts this device's product (an empty list accepts any). */
export function productAllowed(pod: PodRequest, gpu: GpuDevice): boolean {
  return acceptsProduct(pod, gpu.product);
}

/** Whether the pod accepts this product (an empty list accepts any). */
export function acceptsProduct(pod: PodRequest, product: string): boolean {
  const products = pod.gpuProducts;
  if (products.length === 0) return true;
  for (let i = 0; i < products.length; i++) if (products[i] === product) return true;
  return false;
}

/** Units the pod needs on this device; 0 when the device's memory is unknown (it is then unusable). */
export function unitsNeeded(pod: PodRequest, gpu: GpuDevice): number {
  return gpu.memoryMiB > 0 ? unitsOnDevice(pod.gpuMemory, gpu.memoryMiB) : 0;
}

/** Whether the device can take one of the pod's GPUs now, tenancy aside. */
export function deviceHasRoom(pod: PodRequest, node: NodeState, index: number): boolean {
  const gpu = node.view.gpus[index];
  if (gpu.memoryMiB <= 0 || !productAllowed(pod, gpu)) return false;
  return unitsNeeded(pod, gpu) <= node.devices[index].freeUnits;
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
    const units = unitsNeeded(pod, g);
    const device = node.devices[i];
    largest = Math.max(largest, device.capacityUnits);
    if (units <= device.capacityUnits) bigEnough++;
    // "Largest free" describes the devices that fall short, the ones the pod is waiting on.
    if (units <= device.freeUnits) withRoom++;
    else largestFree = Math.max(largestFree, device.freeUnits);
  }
  if (allowed < need) {
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
  const what = requestText(pod, memoryMiB);
  const where = need === 1 ? "on one GPU" : `on each of ${need} GPUs`;
  if (bigEnough < need) {
    return reject(`needs ${what} ${where}; the largest GPU here has ${formatUnits(largest)}`, true);
  }
  if (withRoom < need) {
    const have = withRoom === 0 ? "no GPU has" : withRoom === 1 ? "only 1 GPU has" : `only ${withRoom} GPUs have`;
    return reject(`needs ${what} ${where}; ${have} that free (largest free: ${formatUnits(largestFree)})`, false);
  }
  return tenantShortfall(pod, node, config);
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
    if (!deviceOpenToPod(pod, device, config.tiers)) {
      blocked++;
      blockers += blockingOccupants(pod, device, config.tiers);
    }
  }
  const tier = config.tiers[pod.tier];
  const rule = tier?.shareDevicesAcrossTenants
    ? "their pods run at a tier that does not share GPUs across tenants"
    : `tier ${tier?.name ?? pod.tier} does not share GPUs across tenants`;
  return {
    signal: "isolationTier",
    reason: `needs ${plural(pod.gpuCount, "GPU")} not shared with another tenant; ${blocked} of ${plural(withRoom, "GPU")} with room ${blocked === 1 ? "holds" : "hold"} ${plural(blockers, "pod")} of another tenant, and ${rule}`,
    unresolvable: false,
  };
}

/** "40 GiB", or for a share "46% of a GPU (7.4 GiB)" when every candidate device has the same memory. */
function requestText(pod: PodRequest, commonMemoryMiB: number): string {
  const req = pod.gpuMemory;
  if (req.kind === "mib" || !(commonMemoryMiB > 0)) return formatRequest(req);
  return `${formatRequest(req)} (${formatUnits(unitsOnDevice(req, commonMemoryMiB))})`;
}
