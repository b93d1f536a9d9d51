/**
 * What the DRA allocator recorded: resource.k8s.io/v1 ResourceClaims with
 * `status.allocation.devices.results` (driver, pool, device and, for a device shared by several
 * claims, `consumedCapacity`) on the node its `nodeSelector` names. Each allocated claim of the
 * GPU driver becomes a ledger allocation of its namespace's tenant, so per-device memory is
 * exact for DRA pods: a whole device, or the memory the claim consumed of a shared one.
 */
import { TierfitError } from "../errors.js";
import { MAX_NAME_LENGTH } from "./limits.js";
import { parseBytes } from "./quantity.js";
import type { Allocation, DeviceAssignment, NodeView } from "./types.js";
import { arrayAt, boundedAt, isObject, objectAt, optionalStringAt } from "./v1-fields.js";

const BYTES_PER_MIB = 1024 * 1024;

const CLAIM_MARK = "/resourceclaim:";

/** The ledger key of a claim's allocation: in its namespace, apart from any pod's name (which has no colon). */
export function claimKey(namespace: string, name: string): string {
  return `${namespace}${CLAIM_MARK}${name}`;
}

export function isClaimKey(key: string): boolean {
  return key.includes(CLAIM_MARK);
}

/**
 * The claim's allocation on `views` (by node name), or null when it is not allocated, not on a
 * node, or holds no device of `driver`. Devices the node's view does not list are an input error.
 */
export function claimAllocation(
  raw: unknown,
  driver: string,
  view: (node: string) => NodeView | undefined,
): Allocation | null {
  if (!isObject(raw)) throw new TierfitError("TF_ERR_INPUT", "a ResourceClaim must be a JSON object");
  const meta = objectAt(raw.metadata, "ResourceClaim metadata") ?? {};
  const name = boundedAt(optionalStringAt(meta.name, "ResourceClaim metadata.name") ?? "", MAX_NAME_LENGTH, "name");
  const namespace = optionalStringAt(meta.namespace, `ResourceClaim ${name}, metadata.namespace`) || "default";
  const at = `ResourceClaim ${namespace}/${name}`;
  const allocation = objectAt(objectAt(raw.status, `${at}, status`)?.allocation, `${at}, status.allocation`);
  if (allocation === undefined) return null;
  const node = selectedNode(allocation.nodeSelector, at);
  const nodeView = node === null ? undefined : view(node);
  if (node === null || nodeView === undefined) return null;
  const results = arrayAt(objectAt(allocation.devices, `${at}, status.allocation.devices`)?.results, `${at}, results`);
  const devices: DeviceAssignment[] = [];
  results.forEach((r, i) => {
    const where = `${at}, status.allocation.devices.results[${i}]`;
    if (!isObject(r) || r.driver !== driver) return;
    const id = `${optionalStringAt(r.pool, `${where}.pool`)}/${optionalStringAt(r.device, `${where}.device`)}`;
    const gpu = nodeView.gpus.find((g) => g.draDevice === id);
    if (gpu === undefined) throw new TierfitError("TF_ERR_INPUT", `${where}: node ${node} publishes no device ${id}`);
    const consumed = objectAt(r.consumedCapacity, `${where}.consumedCapacity`)?.memory;
    const mib =
      consumed === undefined
        ? gpu.memoryMiB
        : parseBytes(consumed as string | number, `${where}.consumedCapacity.memory`) / BYTES_PER_MIB;
    devices.push({ index: gpu.index, units: Math.round(mib * 1000) });
  });
  if (devices.length === 0) return null;
  return {
    podKey: claimKey(namespace, name),
    node,
    tenant: namespace,
    // The claim says nothing of the pod's runtime: the weakest tier, which shares with nobody.
    sharingTier: 0,
    milliCpu: 0,
    memoryBytes: 0,
    pods: 0,
    devices: devices.sort((a, b) => a.index - b.index),
  };
}

/** The node a node-local allocation is pinned to: `matchFields` metadata.name In [node]. */
function selectedNode(selector: unknown, at: string): string | null {
  const terms = arrayAt(objectAt(selector, `${at}, nodeSelector`)?.nodeSelectorTerms, `${at}, nodeSelectorTerms`);
  for (const term of terms) {
    if (!isObject(term)) continue;
    for (const field of arrayAt(term.matchFields, `${at}, matchFields`)) {
      if (!isObject(field) || field.key !== "metadata.name" || field.operator !== "In") continue;
      const values = arrayAt(field.values, `${at}, matchFields.values`);
      if (values.length === 1 && typeof values[0] === "string") return values[0];
    }
  }
  return null;
}
