/**
 * NVIDIA DCGM exporter → GPU device readings. Metrics (MiB and %): DCGM_FI_DEV_FB_USED,
 * DCGM_FI_DEV_FB_FREE, DCGM_FI_DEV_FB_RESERVED, DCGM_FI_DEV_GPU_UTIL; labels `gpu` (index),
 * `UUID`, `modelName`, `Hostname`, and `namespace`/`pod` when the exporter maps pods.
 *
 * One device can appear in several series: once per pod sharing it (same value repeated) and
 * once per MIG instance (`GPU_I_ID`, each its own slice). Repeats are collapsed, MIG slices summed.
 */
import type { Sample } from "./exposition.js";
import { type DeviceReading, nodeFromLabels } from "./readings.js";

export const DCGM_METRICS = {
  fbUsed: "DCGM_FI_DEV_FB_USED",
  fbFree: "DCGM_FI_DEV_FB_FREE",
  fbReserved: "DCGM_FI_DEV_FB_RESERVED",
  util: "DCGM_FI_DEV_GPU_UTIL",
} as const;

type Field = keyof typeof DCGM_METRICS;
const FIELD_OF = new Map<string, Field>(Object.entries(DCGM_METRICS).map(([k, v]) => [v, k as Field]));

interface DeviceAcc {
  node: string | null;
  index: number | null;
  uuid: string | null;
  product: string | null;
  /** MIG instance id ("" for a whole GPU) → its values. */
  instances: Map<string, Partial<Record<Field, number>>>;
  pods: Set<string>;
}

function parseIndex(gpu: string | undefined): number | null {
  if (gpu === undefined || gpu === "") return null;
  const i = Number(gpu);
  return Number.isInteger(i) && i >= 0 ? i : null;
}

function sumField(acc: DeviceAcc, field: Field): number | null {
  let sum: number | null = null;
  for (const inst of acc.instances.values()) {
    const v = inst[field];
    if (v !== undefined) sum = (sum ?? 0) + v;
  }
  return sum;
}

function maxField(acc: DeviceAcc, field: Field): number | null {
  let max: number | null = null;
  for (const inst of acc.instances.values()) {
    const v = inst[field];
    if (v !== undefined && (max === null || v > max)) max = v;
  }
  return max;
}

export function readDcgm(samples: readonly Sample[], nodeOverride: string | null): DeviceReading[] {
  const devices = new Map<string, DeviceAcc>();
  for (const s of samples) {
    const field = FIELD_OF.get(s.name);
    if (field === undefined || !Number.isFinite(s.value)) continue;
    const node = nodeOverride ?? nodeFromLabels(s.labels);
    const uuid = s.labels.UUID || null;
    const index = parseIndex(s.labels.gpu);
    if (uuid === null && index === null) continue;
    const key = `${node ?? ""}|${uuid ?? `#${index}`}`;
    let acc = devices.get(key);
    if (acc === undefined) {
      acc = { node, index, uuid, product: s.labels.modelName || null, instances: new Map(), pods: new Set() };
      devices.set(key, acc);
    }
    const instanceId = s.labels.GPU_I_ID ?? "";
    let inst = acc.instances.get(instanceId);
    if (inst === undefined) {
      inst = {};
      acc.instances.set(instanceId, inst);
    }
    inst[field] = s.value;
    if (s.labels.pod) acc.pods.add(s.labels.namespace ? `${s.labels.namespace}/${s.labels.pod}` : s.labels.pod);
  }
  return [...devices.values()].map((acc) => {
    const fbUsedMiB = sumField(acc, "fbUsed");
    const fbFreeMiB = sumField(acc, "fbFree");
    const fbReservedMiB = sumField(acc, "fbReserved");
    const util = maxField(acc, "util");
    return {
      source: "dcgm",
      node: acc.node,
      index: acc.index,
      uuid: acc.uuid,
      product: acc.product,
      fbUsedMiB,
      fbFreeMiB,
      fbReservedMiB,
      // DCGM exports no total by default: what is free, used and reserved adds up to it.
      fbTotalMiB: fbUsedMiB !== null && fbFreeMiB !== null ? fbUsedMiB + fbFreeMiB + (fbReservedMiB ?? 0) : null,
      util: util === null ? null : util / 100,
      pods: [...acc.pods].sort(),
    };
  });
}
