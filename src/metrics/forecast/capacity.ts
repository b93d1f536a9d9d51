/**
 * From forecast load to the GPUs an inference model's replicas need.
 *
 * The model, and what it assumes:
 * - One replica runs on one GPU (no tensor parallelism): its weights must fit on a device.
 * - GPU time goes to generating tokens: `maxTokensPerSecondPerGpu` is the generated-token
 *   throughput one GPU sustains at full batch, with prompt processing (prefill) folded into that
 *   measurement. Compute need = rps × generated tokens / that throughput, in whole GPUs.
 * - Little's law gives the requests in flight: concurrency = rps × mean request duration, where
 *   a request lasts generated tokens / per-stream speed. Without a measured per-stream speed we
 *   take the speed a stream gets on a fully batched GPU (throughput / max concurrency): the
 *   slowest, so the longest duration and the safest sizing.
 * - Each request in flight holds KV cache for its whole context plus everything it will
 *   generate: sized for the final length, so a replica never has to preempt a request mid-way
 *   (the time average, context + half the output, would under-provision bursts).
 * - Replicas = the largest of: compute need, concurrency / max concurrency per replica, KV cache
 *   / the device memory left beside the weights, and 1 (a served model keeps one replica warm).
 *   Each bound is rounded up, because a fraction of a replica cannot be scheduled.
 */
import { TierfitError } from "../../errors.js";

export interface ModelProfile {
  /** Model weights loaded on each replica's GPU, MiB. */
  weightsMiB: number;
  /** KV-cache memory per token held in flight, MiB. */
  kvCacheMiBPerToken: number;
  /** Generated tokens/s one GPU sustains at full batch. */
  maxTokensPerSecondPerGpu: number;
  /** Requests one replica runs at once (its batch limit). */
  maxConcurrentPerReplica: number;
  /** Memory of one GPU device, MiB. */
  gpuMemoryMiB: number;
  /** Generated tokens/s one request sees; default maxTokensPerSecondPerGpu / maxConcurrentPerReplica. */
  tokensPerSecondPerRequest?: number;
}

export interface InferenceLoad {
  /** Requests per second. */
  rps: number;
  meanContextTokens: number;
  meanGeneratedTokens: number;
}

export interface GpuNeed {
  replicas: number;
  /** GPU memory all replicas need together (weights of each + all KV cache), MiB. */
  gpuMemoryMiB: number;
  /** Compute the load needs, in whole-GPU equivalents (fractional: the demand, not the allocation). */
  gpuCompute: number;
  /** Requests in flight (Little's law). */
  concurrency: number;
  /** KV cache of all requests in flight, MiB. */
  kvCacheMiB: number;
  /** What each replica holds: weights + its equal share of the KV cache, MiB. */
  perReplicaMemoryMiB: number;
}

/** Rounds up, forgiving floating-point noise (4.000000000001 replicas is 4). */
function ceilCount(x: number): number {
  return Math.ceil(x - 1e-9);
}

function checkInputs(load: InferenceLoad, profile: ModelProfile): void {
  for (const [name, value] of Object.entries(load)) {
    if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`load.${name} must be a finite number >= 0`);
  }
  const positive = [
    "kvCacheMiBPerToken",
    "maxTokensPerSecondPerGpu",
    "maxConcurrentPerReplica",
    "gpuMemoryMiB",
  ] as const;
  for (const name of positive) {
    if (!(profile[name] > 0)) {
      throw new TierfitError("TF_ERR_CONFIG", `model profile: ${name} must be positive, got ${profile[name]}`);
    }
  }
  if (profile.tokensPerSecondPerRequest !== undefined && !(profile.tokensPerSecondPerRequest > 0)) {
    throw new TierfitError(
      "TF_ERR_CONFIG",
      `model profile: tokensPerSecondPerRequest must be positive, got ${profile.tokensPerSecondPerRequest}`,
    );
  }
  if (!(profile.weightsMiB >= 0 && profile.weightsMiB < profile.gpuMemoryMiB)) {
    throw new TierfitError(
      "TF_ERR_CONFIG",
      `model profile: weights need ${profile.weightsMiB} MiB but a GPU has ${profile.gpuMemoryMiB} MiB; ` +
        "a replica must fit on one GPU with room left for its KV cache",
    );
  }
}

export function demandToGpu(load: InferenceLoad, profile: ModelProfile): GpuNeed {
  checkInputs(load, profile);
  const streamSpeed =
    profile.tokensPerSecondPerRequest ?? profile.maxTokensPerSecondPerGpu / profile.maxConcurrentPerReplica;
  const requestSeconds = load.meanGeneratedTokens / streamSpeed;
  const concurrency = load.rps * requestSeconds;
  const gpuCompute = (load.rps * load.meanGeneratedTokens) / profile.maxTokensPerSecondPerGpu;
  const kvCacheMiB = concurrency * (load.meanContextTokens + load.meanGeneratedTokens) * profile.kvCacheMiBPerToken;
  const kvRoomPerReplica = profile.gpuMemoryMiB - profile.weightsMiB;
  const replicas = Math.max(
    ceilCount(gpuCompute),
    ceilCount(concurrency / profile.maxConcurrentPerReplica),
    ceilCount(kvCacheMiB / kvRoomPerReplica),
    1,
  );
  return {
    replicas,
    gpuMemoryMiB: replicas * profile.weightsMiB + kvCacheMiB,
    gpuCompute,
    concurrency,
    kvCacheMiB,
    perReplicaMemoryMiB: profile.weightsMiB + kvCacheMiB / replicas,
  };
}
