/**
 * Who may share a physical GPU. Pods of different tenants never share one unless both run at a
 * tier whose config sets `shareDevicesAcrossTenants` (VM isolation): that is the point of tiers.
 * "Run at" is each pod's sharingTier, its RuntimeClass's tier: an annotation that raises the tier
 * a pod needs is the pod's own say, so it never opens another tenant's GPU.
 */
import type { DeviceOccupant, DeviceState, NodeState, PodRequest } from "../cluster/types.js";
import type { TierConfig } from "../config/schema.js";

/** A pod that names no tenant belongs to its namespace's tenant. */
export function effectiveTenant(pod: PodRequest): string {
  return pod.tenant === "" ? pod.namespace : pod.tenant;
}

/**
 * Whether an occupant is the pod's own tenant. An occupant recorded without a tenant belongs to
 * its namespace, read from its `namespace/name` key without building a string (hot path).
 */
export function sameTenant(pod: PodRequest, occupant: DeviceOccupant): boolean {
  return occupantOf(pod.tenant === "" ? pod.namespace : pod.tenant, occupant);
}

function occupantOf(tenant: string, occupant: DeviceOccupant): boolean {
  if (occupant.tenant !== "") return occupant.tenant === tenant;
  const key = occupant.podKey;
  return key.length > tenant.length && key.charCodeAt(tenant.length) === 47 && key.startsWith(tenant);
}

export function tierShares(tiers: readonly TierConfig[], tier: number): boolean {
  return tiers[tier]?.shareDevicesAcrossTenants === true;
}

/** Whether the pod may take memory on this device given who already holds it. */
export function deviceOpenToPod(pod: PodRequest, device: DeviceState, tiers: readonly TierConfig[]): boolean {
  return deviceOpenTo(effectiveTenant(pod), tierShares(tiers, pod.sharingTier), device, tiers);
}

/** deviceOpenToPod with the pod's tenant and sharing resolved once per pod (the hot loop's form). */
export function deviceOpenTo(
  tenant: string,
  podShares: boolean,
  device: DeviceState,
  tiers: readonly TierConfig[],
): boolean {
  const occupants = device.occupants;
  for (let i = 0; i < occupants.length; i++) {
    const o = occupants[i];
    if (occupantOf(tenant, o)) continue;
    if (!podShares || !tierShares(tiers, o.sharingTier)) return false;
  }
  return true;
}

/**
 * Whether the pod may take memory on device i of the node given who holds it. On a node whose
 * GPUs the device plugin shares as replicas the plugin, not tierfit, picks the physical GPU
 * behind each replica, so the holders of every device on the node count.
 */
export function deviceOpenOnNode(pod: PodRequest, node: NodeState, i: number, tiers: readonly TierConfig[]): boolean {
  if (node.view.gpus[i]?.replicas === undefined) return deviceOpenToPod(pod, node.devices[i], tiers);
  for (const device of node.devices) if (!deviceOpenToPod(pod, device, tiers)) return false;
  return true;
}

/** How many occupants of this device block the pod (other tenants below a sharing tier). */
export function blockingOccupants(pod: PodRequest, device: DeviceState, tiers: readonly TierConfig[]): number {
  const podShares = tierShares(tiers, pod.sharingTier);
  let n = 0;
  for (const o of device.occupants) {
    if (!sameTenant(pod, o) && (!podShares || !tierShares(tiers, o.sharingTier))) n++;
  }
  return n;
}
