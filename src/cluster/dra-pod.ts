/**
 * What a DRA pod asks of GPUs, read from its ResourceClaims' requests: how many devices of the
 * GPU driver's classes (`exactly.count`, 1 by default; `All` counts as 1, the least it takes) and
 * the memory each must give (`exactly.capacity.requests.memory`, else the whole device). tierfit
 * judges nodes by it; the DRA allocator, not tierfit, picks the devices.
 */
import { TierfitError } from "../errors.js";
import { formatRequest } from "./gpu-units.js";
import { MAX_GPUS_PER_POD, MAX_NAME_LENGTH } from "./limits.js";
import { parseBytes } from "./quantity.js";
import type { GpuMemoryRequest, PodRequest } from "./types.js";
import { arrayAt, boundedAt, isObject, objectAt, optionalStringAt } from "./v1-fields.js";

const BYTES_PER_MIB = 1024 * 1024;

/** One of the pod's `spec.resourceClaims`, and the ResourceClaim it stands for. */
export interface ClaimRef {
  /** `spec.resourceClaims[].name`: the pod's own name for it. */
  readonly ref: string;
  /** The ResourceClaim's name, in the pod's namespace; null while a template's claim is not generated yet. */
  readonly claim: string | null;
  /** `resourceClaimTemplateName`, when the claim is generated from a template. */
  readonly template?: string;
}

/**
 * The ResourceClaims a pod uses, resolved as kube-scheduler resolves them (Kubernetes'
 * resourceclaim.Name): `resourceClaimName` as it is, or, for `resourceClaimTemplateName`, the
 * claim generated for the pod, named in `status.resourceClaimStatuses`. A status entry without a
 * name means no claim was needed: that reference is left out. Always in the pod's namespace.
 */
export function claimRefsOf(pod: unknown, at: string): ClaimRef[] {
  if (!isObject(pod)) return [];
  const spec = objectAt(pod.spec, `${at}, spec`) ?? {};
  const statuses = new Map<string, unknown>();
  for (const s of arrayAt(objectAt(pod.status, `${at}, status`)?.resourceClaimStatuses, `${at}, status`)) {
    if (isObject(s) && typeof s.name === "string") statuses.set(s.name, s.resourceClaimName);
  }
  const refs: ClaimRef[] = [];
  arrayAt(spec.resourceClaims, `${at}, spec.resourceClaims`).forEach((c, i) => {
    const where = `${at}, spec.resourceClaims[${i}]`;
    if (!isObject(c)) return;
    const name = (v: unknown, field: string) =>
      boundedAt(optionalStringAt(v, `${where}.${field}`), MAX_NAME_LENGTH, `${where}.${field}`);
    const ref = name(c.name, "name") ?? "";
    const direct = name(c.resourceClaimName, "resourceClaimName");
    const template = name(c.resourceClaimTemplateName, "resourceClaimTemplateName");
    if (direct) refs.push({ ref, claim: direct });
    else if (template) {
      if (!statuses.has(ref)) refs.push({ ref, claim: null, template });
      else {
        const generated = name(statuses.get(ref), `status.resourceClaimStatuses[${ref}].resourceClaimName`);
        if (generated) refs.push({ ref, claim: generated, template });
      }
    }
  });
  return refs;
}

/** The claims of these names in `namespace` that are known, and the names that are not. */
export type ClaimLookup = (
  namespace: string,
  names: readonly string[],
) => { readonly found: readonly unknown[]; readonly missing: readonly string[] };

/** A ClaimLookup over claims kept by `namespace/name` (the informer's map, or explain's given claims). */
export function claimLookupIn(byKey: ReadonlyMap<string, unknown>): ClaimLookup {
  return (namespace, names) => {
    const found: unknown[] = [];
    const missing: string[] = [];
    for (const name of names) {
      const claim = byKey.get(`${namespace}/${name}`);
      if (claim === undefined) missing.push(name);
      else found.push(claim);
    }
    return { found, missing };
  };
}

export interface PodClaims {
  /** The pod with the GPU need of its unallocated claims; unchanged when they ask for none. */
  readonly request: PodRequest;
  /** Claims the lookup does not have, in words ("ResourceClaim ml/gpu"), so the pod cannot be judged yet. */
  readonly missing: readonly string[];
  /** Claims already allocated (`namespace/name`): their devices are counted on their node already. */
  readonly allocated: readonly string[];
}

/**
 * The pod judged by its ResourceClaims. Only claims still to be allocated add to its need: an
 * allocated claim's devices are already held in the ledger (dra-claims.ts), so counting its
 * request again would count its memory twice.
 */
export function podClaims(
  pod: PodRequest,
  v1: unknown,
  lookup: ClaimLookup,
  deviceClasses: readonly string[],
): PodClaims {
  if (pod.draClaims === undefined) return { request: pod, missing: [], allocated: [] };
  const at = `pod ${pod.key}`;
  const refs = claimRefsOf(v1, at);
  const missing = refs
    .filter((r) => r.claim === null)
    .map((r) => `ResourceClaim for ${r.ref} (from ResourceClaimTemplate ${pod.namespace}/${r.template})`);
  const names = [...new Set(refs.flatMap((r) => (r.claim === null ? [] : [r.claim])))];
  const looked = lookup(pod.namespace, names);
  for (const name of looked.missing) missing.push(`ResourceClaim ${pod.namespace}/${name}`);
  const allocated: string[] = [];
  const open = looked.found.filter((claim) => {
    if (!isAllocated(claim)) return true;
    allocated.push(`${pod.namespace}/${nameOf(claim)}`);
    return false;
  });
  return { request: withClaimRequests(pod, open, deviceClasses), missing, allocated };
}

/**
 * The pod with its GPU need taken from `claims` (the pod's ResourceClaim objects), and the claims
 * it came from in `gpuClaims`; its need is unchanged when they ask for no device of `deviceClasses`.
 */
export function withClaimRequests(
  pod: PodRequest,
  claims: readonly unknown[],
  deviceClasses: readonly string[],
): PodRequest {
  if (pod.draClaims === undefined) return pod;
  let count = 0;
  let memory: GpuMemoryRequest = { kind: "milli", milli: 1000 };
  const from: string[] = [];
  for (const claim of claims) {
    if (!isObject(claim)) continue;
    const at = `ResourceClaim ${String(objectAt(claim.metadata, "metadata")?.name)}`;
    const requests = arrayAt(
      objectAt(objectAt(claim.spec, `${at}, spec`)?.devices, `${at}, spec.devices`)?.requests,
      `${at}, requests`,
    );
    const before = count;
    for (const request of requests) {
      const exactly = isObject(request) ? objectAt(request.exactly, `${at}, exactly`) : undefined;
      if (exactly === undefined || !deviceClasses.includes(String(exactly.deviceClassName))) continue;
      count += exactly.allocationMode === "All" ? 1 : typeof exactly.count === "number" ? exactly.count : 1;
      const asked = objectAt(
        objectAt(exactly.capacity, `${at}, capacity`)?.requests,
        `${at}, capacity.requests`,
      )?.memory;
      if (asked !== undefined) {
        memory = {
          kind: "mib",
          mib: parseBytes(asked as string | number, `${at}, capacity.requests.memory`) / BYTES_PER_MIB,
        };
      }
    }
    if (count > before) from.push(`${pod.namespace}/${nameOf(claim)}`);
  }
  if (count > MAX_GPUS_PER_POD) throw new TierfitError("TF_ERR_INPUT", `pod ${pod.key}'s claims ask for ${count} GPUs`);
  return count === 0 ? { ...pod, gpuClaims: from } : { ...pod, gpuCount: count, gpuMemory: memory, gpuClaims: from };
}

/**
 * Where a DRA pod's GPU need came from, for its reasons: "needs 1 GPU with 40 GiB via
 * ResourceClaim ml/gpu"; null when it was not read from claims.
 */
export function claimNeed(pod: PodRequest): string | null {
  const claims = pod.gpuClaims;
  if (claims === undefined || claims.length === 0) return null;
  const n = pod.gpuCount;
  const gpus = `${n} ${n === 1 ? "GPU" : "GPUs"}`;
  const m = pod.gpuMemory;
  const what =
    m.kind === "milli" && m.milli === 1000
      ? `${n} whole ${n === 1 ? "GPU" : "GPUs"}`
      : `${gpus} with ${formatRequest(m)}${n === 1 ? "" : " each"}`;
  return `needs ${what} via ResourceClaim${claims.length === 1 ? "" : "s"} ${claims.join(", ")}`;
}

/**
 * What an explanation says of a DRA pod's claims: where its GPU need came from, and which claims
 * added nothing because they are allocated already.
 */
export function claimNotes(pod: PodRequest, allocated: readonly string[]): string[] {
  if (pod.draClaims === undefined) return [];
  const need = claimNeed(pod);
  const uses = `pod ${pod.key} uses ResourceClaims (${pod.draClaims.join(", ")})`;
  const notes = [
    pod.gpuClaims === undefined
      ? `${uses}, which tierfit did not read (it keeps no ResourceClaim cache with --standalone): judged by its other requests`
      : need === null
        ? `${uses}, and none still to be allocated asks for a device of gpu.draDeviceClasses: judged by its other requests`
        : `pod ${pod.key} ${need}: tierfit judged each node by the claims' requests; the DRA allocator, not tierfit, picks the devices`,
  ];
  if (allocated.length > 0) {
    notes.push(
      `ResourceClaim${allocated.length === 1 ? "" : "s"} ${allocated.join(", ")} ${allocated.length === 1 ? "is" : "are"} allocated already: ${allocated.length === 1 ? "its" : "their"} devices are counted on ${allocated.length === 1 ? "its" : "their"} node, so ${allocated.length === 1 ? "it adds" : "they add"} nothing to the pod's need`,
    );
  }
  return notes;
}

function isAllocated(claim: unknown): boolean {
  return isObject(claim) && isObject(claim.status) && isObject(claim.status.allocation);
}

function nameOf(claim: unknown): string {
  const meta = isObject(claim) && isObject(claim.metadata) ? claim.metadata : {};
  return typeof meta.name === "string" ? meta.name : "";
}
