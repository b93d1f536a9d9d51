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
  /** GPU utilisation 0..1. */
  readonly util: number;
}

export interface NodeTelemetry {
  readonly node: string;
  readonly devices: readonly DeviceTelemetry[];
  /** When the writer sampled it, ms since epoch. */
  readonly ts: number;
}

export interface ModelForecast {
  /** Requests/s expected at the forecast horizon. */
  readonly rps: number;
  /** GPU memory the model's replicas are expected to need in all, MiB. */
  readonly gpuMemoryMiB: number;
  /** GPU compute the model's replicas are expected to need, in whole-GPU equivalents. */
  readonly gpuCompute: number;
  readonly method: string;
  readonly horizonSeconds: number;
}

export interface ModelDemand {
  readonly model: string;
  readonly rps: number;
  readonly running: number;
  readonly waiting: number;
  /** KV-cache usage 0..1. */
  readonly kvCacheUsage: number;
  readonly ttftP95Ms: number | null;
  readonly forecast: ModelForecast | null;
  readonly ts: number;
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
