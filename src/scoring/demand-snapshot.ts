/**
 * Live demand as the scoring core receives it: an immutable snapshot built in the background
 * (from Redis by src/metrics, or by the simulator) and passed in the scoring context. The core
 * never fetches anything; a missing or stale entry means "unknown", never zero.
 */

export interface DeviceTelemetry {
  readonly index: number;
  readonly uuid: string | null;
  readonly fbUsedMiB: number;
  readonly fbTotalMiB: number;
  /** GPU utilisation 0..1; null when the exporter does not report it. */
  readonly util: number | null;
}

export interface NodeTelemetry {
  readonly node: string;
  readonly devices: readonly DeviceTelemetry[];
  /** When the writer sampled it, ms since epoch. */
  readonly ts: number;
  /** Older than `demand.staleAfterSeconds` when the snapshot was taken: treat as missing. */
  readonly stale: boolean;
  /** Load of pods placed here after `ts`, not yet visible in the samples (the herd effect); null = none. */
  readonly pending: PendingLoad | null;
}

/** Expected load of placements the telemetry has not caught up with yet. */
export interface PendingLoad {
  readonly placements: number;
  /** GPU memory those pods are expected to use, MiB. */
  readonly fbMiB: number;
  /** GPU compute they are expected to use, in whole-GPU equivalents (0.5 = half of one GPU). */
  readonly util: number;
  readonly models: readonly string[];
}

/**
 * Mean utilisation (0..1) of a node's GPUs plus the load of pending placements spread over them;
 * null when it has no devices or one of them reports no utilisation. Above 1 = oversubscribed.
 */
export function expectedUtilisation(t: NodeTelemetry): number | null {
  if (t.devices.length === 0) return null;
  let sum = t.pending?.util ?? 0;
  for (const d of t.devices) {
    if (d.util === null) return null;
    sum += d.util;
  }
  return sum / t.devices.length;
}

export interface ModelForecast {
  /** Requests/s expected at the forecast horizon. */
  readonly rps: number;
  /** GPU memory the model's replicas are expected to need in all, MiB; null without a model profile. */
  readonly gpuMemoryMiB: number | null;
  /** GPU compute the model's replicas are expected to need, in whole-GPU equivalents; null without a profile. */
  readonly gpuCompute: number | null;
  /** Replicas the forecast load needs; null without a profile. */
  readonly replicas: number | null;
  readonly method: string;
  /** Mean absolute backtest error of the chosen method, requests/s. */
  readonly backtestError: number;
  readonly horizonSeconds: number;
  /** When the forecast was made, ms since epoch. */
  readonly ts: number;
}

/**
 * Inference load, the same fields whichever server reported it (vLLM, Triton): summed over the
 * servers, except `kvCacheUsage` (their mean) and `queueMs` (mean queue time per request).
 * null = the servers do not report it, or it is not known yet (a rate needs two scrapes).
 */
export interface ServingLoad {
  readonly running: number | null;
  readonly waiting: number | null;
  /** KV-cache usage 0..1. */
  readonly kvCacheUsage: number | null;
  /** Successful requests per second. */
  readonly rps: number | null;
  readonly promptTokensPerSecond: number | null;
  readonly generationTokensPerSecond: number | null;
  readonly queueMs: number | null;
  /** Server endpoints that reported. */
  readonly servers: number;
  /** When the writer sampled it, ms since epoch. */
  readonly ts: number;
  /** Older than `demand.staleAfterSeconds` when the snapshot was taken: treat as missing. */
  readonly stale: boolean;
}

/** One model's load on one node. */
export interface ModelNodeDemand extends ServingLoad {
  readonly model: string;
  readonly node: string;
}

export interface ModelDemand extends ServingLoad {
  readonly model: string;
  readonly ttftP95Ms: number | null;
  readonly forecast: ModelForecast | null;
  /** The same load per node the model's servers run on (servers whose node is known). */
  readonly nodes: ReadonlyMap<string, ModelNodeDemand>;
}

export interface DemandSnapshot {
  /** When the snapshot was assembled, ms since epoch. */
  readonly takenAt: number;
  readonly nodes: ReadonlyMap<string, NodeTelemetry>;
  readonly models: ReadonlyMap<string, ModelDemand>;
}

export const EMPTY_DEMAND: DemandSnapshot = Object.freeze({
  takenAt: 0,
  nodes: new Map<string, NodeTelemetry>(),
  models: new Map<string, ModelDemand>(),
});
