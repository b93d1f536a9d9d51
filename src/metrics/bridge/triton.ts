/**
 * Triton Inference Server's /metrics → server readings per model and GPU device readings.
 * Per model (label `model`, versions summed): counters `nv_inference_request_success`,
 * `nv_inference_queue_duration_us`; gauge `nv_inference_pending_request_count` (waiting).
 * Per GPU (label `gpu_uuid`): `nv_gpu_memory_used_bytes`, `nv_gpu_memory_total_bytes`,
 * `nv_gpu_utilization` (0..1). Triton reports no running count and no KV cache: unknown.
 */
import type { Sample } from "./exposition.js";
import { type DeviceReading, nodeFromLabels, type ServerReading, seriesId, sumOrNull } from "./readings.js";

export const TRITON_METRICS = {
  requests: "nv_inference_request_success",
  queueMicros: "nv_inference_queue_duration_us",
  pending: "nv_inference_pending_request_count",
  memoryUsed: "nv_gpu_memory_used_bytes",
  memoryTotal: "nv_gpu_memory_total_bytes",
  utilisation: "nv_gpu_utilization",
} as const;

const BYTES_PER_MIB = 1024 * 1024;

interface ServerAcc {
  model: string;
  node: string | null;
  pending: number[];
  requests: string[];
  queueMicros: string[];
}

interface GpuAcc {
  node: string | null;
  uuid: string;
  used: number | null;
  total: number | null;
  util: number | null;
}

export interface TritonReading {
  readonly servers: ServerReading[];
  readonly devices: DeviceReading[];
}

function readServers(samples: readonly Sample[], nodeOverride: string | null, counters: Map<string, number>) {
  const servers = new Map<string, ServerAcc>();
  for (const s of samples) {
    const isRequests = s.name === TRITON_METRICS.requests;
    const isQueue = s.name === TRITON_METRICS.queueMicros;
    const isPending = s.name === TRITON_METRICS.pending;
    const model = s.labels.model;
    if (!(isRequests || isQueue || isPending) || !model || !Number.isFinite(s.value)) continue;
    const node = nodeOverride ?? nodeFromLabels(s.labels);
    const key = `${model}|${node ?? ""}`;
    let acc = servers.get(key);
    if (acc === undefined) {
      acc = { model, node, pending: [], requests: [], queueMicros: [] };
      servers.set(key, acc);
    }
    if (isPending) {
      acc.pending.push(s.value);
      continue;
    }
    const id = seriesId(s.name, s.labels);
    counters.set(id, s.value);
    (isRequests ? acc.requests : acc.queueMicros).push(id);
  }
  return [...servers.values()].map(
    (acc): ServerReading => ({
      source: "triton",
      model: acc.model,
      node: acc.node,
      running: null,
      waiting: sumOrNull(acc.pending),
      kvUtil: null,
      counters: { requests: acc.requests, promptTokens: [], generationTokens: [], queueMicros: acc.queueMicros },
    }),
  );
}

function readDevices(samples: readonly Sample[], nodeOverride: string | null): DeviceReading[] {
  const gpus = new Map<string, GpuAcc>();
  for (const s of samples) {
    const uuid = s.labels.gpu_uuid;
    const isUsed = s.name === TRITON_METRICS.memoryUsed;
    const isTotal = s.name === TRITON_METRICS.memoryTotal;
    const isUtil = s.name === TRITON_METRICS.utilisation;
    if (!(isUsed || isTotal || isUtil) || !uuid || !Number.isFinite(s.value)) continue;
    const node = nodeOverride ?? nodeFromLabels(s.labels);
    const key = `${node ?? ""}|${uuid}`;
    let acc = gpus.get(key);
    if (acc === undefined) {
      acc = { node, uuid, used: null, total: null, util: null };
      gpus.set(key, acc);
    }
    if (isUsed) acc.used = s.value / BYTES_PER_MIB;
    else if (isTotal) acc.total = s.value / BYTES_PER_MIB;
    else acc.util = s.value;
  }
  return [...gpus.values()].map((g) => ({
    source: "triton",
    node: g.node,
    index: null,
    uuid: g.uuid,
    product: null,
    fbUsedMiB: g.used,
    fbFreeMiB: g.used !== null && g.total !== null ? g.total - g.used : null,
    fbReservedMiB: null,
    fbTotalMiB: g.total,
    util: g.util,
    pods: [],
  }));
}

export function readTriton(
  samples: readonly Sample[],
  nodeOverride: string | null,
  counters: Map<string, number>,
): TritonReading {
  return { servers: readServers(samples, nodeOverride, counters), devices: readDevices(samples, nodeOverride) };
}
