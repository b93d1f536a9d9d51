/**
 * Isolation as DESIGN §3 states it, checked on every placement whatever policy made it, so a
 * baseline that ignores tiers has its breaches counted. Written apart from src/scoring/tenancy.ts
 * on purpose: a bug there must not hide itself here.
 *  - tier: the node's isolation is weaker than the pod needs;
 *  - sharing: a device the pod takes is held by another tenant's pod, and not both of them run at
 *    a tier that lets tenants share a device. On a node whose GPUs the device plugin shares as
 *    replicas, every device counts: the plugin, not the scheduler, picks the GPU behind a replica;
 *  - passthrough: a pod that takes whole GPUs (or any pod on a passthrough node) lands on a
 *    device any other pod holds, of whatever tenant.
 */
import type { Allocation, DeviceOccupant, NodeState, PodRequest } from "../../src/cluster/types.js";
import type { TierConfig } from "../../src/config/schema.js";

export interface IsolationBreach {
  /** The node is weaker than the pod's tier. */
  readonly weakNode: boolean;
  /** Other tenants' pods on the devices the pod takes, where their tiers forbid sharing. */
  readonly foreignNeighbours: number;
  /** Any other pods on the devices a whole-GPU (passthrough) pod takes. */
  readonly passthroughNeighbours: number;
}

/** The pod's breaches if it takes `alloc` on `node` (the node as it was before the placement); null = none. */
export function isolationBreach(
  pod: PodRequest,
  node: NodeState,
  alloc: Allocation,
  tiers: readonly TierConfig[],
): IsolationBreach | null {
  const weakNode = node.view.tier < pod.tier;
  const tenant = pod.tenant === "" ? pod.namespace : pod.tenant;
  const podShares = tiers[pod.sharingTier]?.shareDevicesAcrossTenants === true;
  let foreignNeighbours = 0;
  let passthroughNeighbours = 0;
  const whole = pod.exclusive === true || node.view.passthrough === true;
  const replicas = node.view.gpus.some((g) => g.replicas !== undefined);
  const taken = new Set(alloc.devices.map((d) => d.index));
  node.devices.forEach((device, index) => {
    const takes = taken.has(index);
    if (!takes && !replicas) return;
    for (const o of device.occupants) {
      if (o.podKey === pod.key) continue;
      if (takes && whole) passthroughNeighbours++;
      if (occupantTenant(o) === tenant) continue;
      const bothShare = podShares && tiers[o.sharingTier]?.shareDevicesAcrossTenants === true;
      if (!bothShare) foreignNeighbours++;
    }
  });
  return weakNode || foreignNeighbours > 0 || passthroughNeighbours > 0
    ? { weakNode, foreignNeighbours, passthroughNeighbours }
    : null;
}

/** An occupant recorded without a tenant belongs to its namespace (the key's `namespace/` part). */
function occupantTenant(o: DeviceOccupant): string {
  if (o.tenant !== "") return o.tenant;
  const slash = o.podKey.indexOf("/");
  return slash < 0 ? "" : o.podKey.slice(0, slash);
}
