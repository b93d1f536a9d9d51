/**
 * What a DRA pod asks of GPUs, read from its ResourceClaims' requests: how many devices of the
 * GPU driver's classes (`exactly.count`, 1 by default; `All` counts as 1, the least it takes) and
 * the memory each must give (`exactly.capacity.requests.memory`, else the whole device). tierfit
 * judges nodes by it; the DRA allocator, not tierfit, picks the devices.
 */
import { TierfitError } from "../errors.js";
import { MAX_GPUS_PER_POD } from "./limits.js";
import { parseBytes } from "./quantity.js";
import type { GpuMemoryRequest, PodRequest } from "./types.js";
import { arrayAt, isObject, objectAt } from "./v1-fields.js";

const BYTES_PER_MIB = 1024 * 1024;

/**
 * The pod with its GPU need taken from `claims` (the pod's ResourceClaim objects); unchanged when
 * it has no claims or they ask for no device of `deviceClasses`.
 */
export function withClaimRequests(
  pod: PodRequest,
  claims: readonly unknown[],
  deviceClasses: readonly string[],
): PodRequest {
  if (pod.draClaims === undefined) return pod;
  let count = 0;
  let memory: GpuMemoryRequest = { kind: "milli", milli: 1000 };
  for (const claim of claims) {
    if (!isObject(claim)) continue;
    const at = `ResourceClaim ${String(objectAt(claim.metadata, "metadata")?.name)}`;
    const requests = arrayAt(
      objectAt(objectAt(claim.spec, `${at}, spec`)?.devices, `${at}, spec.devices`)?.requests,
      `${at}, requests`,
    );
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
  }
  if (count > MAX_GPUS_PER_POD) throw new TierfitError("TF_ERR_INPUT", `pod ${pod.key}'s claims ask for ${count} GPUs`);
  return count === 0 ? pod : { ...pod, gpuCount: count, gpuMemory: memory };
}
