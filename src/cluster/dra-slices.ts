/**
 * GPUs as a DRA driver publishes them: resource.k8s.io/v1 ResourceSlices. NVIDIA's driver
 * (`gpu.nvidia.com`, cmd/gpu-kubelet-plugin/deviceinfo.go) lists each GPU (`type` gpu), MIG
 * device (`type` mig, with `parentUUID` and `profile`) and passthrough device (`type` vfio) with
 * attributes `uuid` and `productName` and capacity `memory` in bytes (`addressableMemory` for
 * vfio). Only the newest generation of each pool counts, as the DRA allocator reads them.
 */
import { TierfitError } from "../errors.js";
import { MAX_GPUS_PER_NODE, MAX_NAME_LENGTH } from "./limits.js";
import { parseBytes } from "./quantity.js";
import { arrayAt, boundedAt, isObject, type JsonObject, objectAt, optionalStringAt } from "./v1-fields.js";

const BYTES_PER_MIB = 1024 * 1024;

export interface DraGpu {
  /** `<pool>/<device>`: how an allocation result names it. */
  readonly device: string;
  readonly type: string;
  /** productName with spaces as dashes, the form GPU Feature Discovery's product label has. */
  readonly product: string;
  readonly memoryMiB: number;
  readonly migProfile?: string;
  readonly uuid?: string;
  readonly parentUuid?: string;
  /** `allowMultipleAllocations`: several claims may consume its capacity (shared, consumable capacity). */
  readonly shared: boolean;
}

interface PoolSlice {
  readonly generation: number;
  readonly node: string;
  readonly gpus: DraGpu[];
}

/** node name → its GPUs from the `driver`'s ResourceSlices; slices of other drivers are ignored. */
export function draGpusByNode(slices: readonly unknown[], driver: string): Map<string, DraGpu[]> {
  const pools = new Map<string, PoolSlice[]>();
  for (const slice of slices) {
    const parsed = readSlice(slice, driver);
    if (parsed === null) continue;
    const list = pools.get(parsed.pool) ?? [];
    list.push(parsed);
    pools.set(parsed.pool, list);
  }
  const byNode = new Map<string, DraGpu[]>();
  for (const list of pools.values()) {
    const newest = Math.max(...list.map((s) => s.generation));
    for (const slice of list) {
      if (slice.generation !== newest) continue;
      const gpus = byNode.get(slice.node) ?? [];
      gpus.push(...slice.gpus);
      if (gpus.length > MAX_GPUS_PER_NODE) {
        throw new TierfitError(
          "TF_ERR_INPUT",
          `node ${slice.node}: ResourceSlices list more than ${MAX_GPUS_PER_NODE} GPUs`,
        );
      }
      byNode.set(slice.node, gpus);
    }
  }
  for (const gpus of byNode.values()) gpus.sort((a, b) => a.device.localeCompare(b.device, "en", { numeric: true }));
  return byNode;
}

function readSlice(raw: unknown, driver: string): (PoolSlice & { pool: string }) | null {
  if (!isObject(raw)) throw new TierfitError("TF_ERR_INPUT", "a ResourceSlice must be a JSON object");
  const name = optionalStringAt(objectAt(raw.metadata, "ResourceSlice metadata")?.name, "ResourceSlice metadata.name");
  const at = `ResourceSlice ${name ?? "(unnamed)"}`;
  const spec = objectAt(raw.spec, `${at}, spec`) ?? {};
  if (spec.driver !== driver) return null;
  const node = optionalStringAt(spec.nodeName, `${at}, spec.nodeName`);
  // Slices of network-attached devices name no node; tierfit models GPUs inside nodes.
  if (node === undefined || node === "") return null;
  const pool = objectAt(spec.pool, `${at}, spec.pool`) ?? {};
  const poolName = boundedAt(
    optionalStringAt(pool.name, `${at}, spec.pool.name`) ?? node,
    MAX_NAME_LENGTH,
    `${at}, spec.pool.name`,
  );
  const generation = typeof pool.generation === "number" ? pool.generation : 0;
  const gpus = arrayAt(spec.devices, `${at}, spec.devices`).map((d, i) =>
    readDevice(d, poolName, `${at}, spec.devices[${i}]`),
  );
  return { pool: `${node}\u0000${poolName}`, generation, node, gpus };
}

function readDevice(raw: unknown, pool: string, at: string): DraGpu {
  if (!isObject(raw)) throw new TierfitError("TF_ERR_INPUT", `${at} must be an object`);
  const name = boundedAt(optionalStringAt(raw.name, `${at}.name`) ?? "", MAX_NAME_LENGTH, `${at}.name`);
  if (name === "") throw new TierfitError("TF_ERR_INPUT", `${at} has no name`);
  const attributes = objectAt(raw.attributes, `${at}.attributes`) ?? {};
  const attr = (key: string) => stringAttribute(attributes, key, `${at}.attributes`);
  const type = attr("type") ?? "gpu";
  const capacity = objectAt(raw.capacity, `${at}.capacity`) ?? {};
  const memory = objectAt(capacity.memory ?? capacity.addressableMemory, `${at}.capacity.memory`);
  const bytes =
    memory?.value === undefined ? 0 : parseBytes(memory.value as string | number, `${at}.capacity.memory.value`);
  const migProfile = type === "mig" ? attr("profile") : undefined;
  const uuid = attr("uuid");
  const parentUuid = attr("parentUUID");
  return {
    device: `${pool}/${name}`,
    type,
    product: (attr("productName") ?? "unknown").replaceAll(" ", "-"),
    memoryMiB: Math.floor(bytes / BYTES_PER_MIB),
    shared: raw.allowMultipleAllocations === true,
    ...(migProfile === undefined ? {} : { migProfile }),
    ...(uuid === undefined ? {} : { uuid }),
    ...(parentUuid === undefined ? {} : { parentUuid }),
  };
}

/** A DeviceAttribute holds exactly one of string, int, bool, version; tierfit reads strings. */
function stringAttribute(attributes: JsonObject, key: string, at: string): string | undefined {
  const value = objectAt(attributes[key], `${at}.${key}`);
  return value === undefined
    ? undefined
    : boundedAt(optionalStringAt(value.string, `${at}.${key}.string`), MAX_NAME_LENGTH, `${at}.${key}.string`);
}
