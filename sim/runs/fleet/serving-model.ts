/**
 * One replica of a served model, in numbers: weights, the GPU memory its pod asks for, what it
 * can serve and how much memory and compute a given load takes. The model:
 *  - weights = parameters × bytes per parameter, split evenly over the replica's GPUs (tensor
 *    parallelism), as is the KV cache;
 *  - a request holds KV cache for its whole context plus everything it will generate (sized for
 *    its final length, so a replica never has to preempt a request halfway);
 *  - a request costs the replica `prompt / prefill + output / decode` seconds of its compute (both
 *    at full batch), and stays in flight `prompt / prefill + output / (decode / maxConcurrent)`
 *    (each of a full batch's requests gets an equal share of the decode rate);
 *  - a replica serves at most what its compute allows, and at most as many requests at once as
 *    its batch limit and its KV cache room (reserved memory − weights) hold, whichever is smaller
 *    (Little's law turns the in-flight limit into requests/s).
 * Memory follows load: what a replica holds is its weights plus the KV cache of the requests in
 * flight now, never more than its pod reserved.
 */
import type { FleetProfile } from "../../scenario/fleet-schema.js";

const BYTES_PER_MIB = 1024 * 1024;

/** Mean tokens per request in some span of the load. */
export interface RequestShape {
  readonly contextTokens: number;
  readonly generatedTokens: number;
}

export function weightsMiB(p: Pick<FleetProfile, "paramsBillion" | "bytesPerParam">): number {
  return (p.paramsBillion * 1e9 * p.bytesPerParam) / BYTES_PER_MIB;
}

/** KV cache one request holds at its final length, MiB (all of the replica's GPUs together). */
export function kvPerRequestMiB(p: FleetProfile, shape: RequestShape): number {
  return (shape.contextTokens + shape.generatedTokens) * p.kvCacheMiBPerToken;
}

/** Seconds of the replica's compute one request takes (1 / this = requests/s at full use). */
export function computeSecondsPerRequest(p: FleetProfile, shape: RequestShape): number {
  return shape.contextTokens / p.prefillTokensPerSecond + shape.generatedTokens / p.decodeTokensPerSecond;
}

/** Seconds a request stays in flight on a fully batched replica. */
export function requestSeconds(p: FleetProfile, shape: RequestShape): number {
  return (
    shape.contextTokens / p.prefillTokensPerSecond + (shape.generatedTokens * p.maxConcurrent) / p.decodeTokensPerSecond
  );
}

/**
 * GPU memory the replica's pod asks for on each of its GPUs: weights plus KV cache for a full
 * batch of `reference`-sized requests, split over its GPUs and bounded by the device; the whole
 * device when the runtime passes GPUs through to a VM.
 */
export function reservedPerGpuMiB(
  p: FleetProfile,
  deviceMiB: number,
  reference: RequestShape,
  wholeDevice: boolean,
): number {
  if (wholeDevice) return deviceMiB;
  const total = weightsMiB(p) + p.maxConcurrent * kvPerRequestMiB(p, reference);
  return Math.min(deviceMiB, Math.ceil(total / p.gpusPerReplica));
}

/** Requests the replica can hold at once with `reservedMiB` on each GPU, at this request shape. */
export function inFlightLimit(p: FleetProfile, reservedMiB: number, shape: RequestShape): number {
  const room = Math.max(0, reservedMiB * p.gpusPerReplica - weightsMiB(p));
  const kv = kvPerRequestMiB(p, shape);
  return Math.min(p.maxConcurrent, kv > 0 ? room / kv : p.maxConcurrent);
}

/** Requests/s one replica serves at most, alone on its GPUs. */
export function replicaCapacityRps(p: FleetProfile, reservedMiB: number, shape: RequestShape): number {
  const compute = computeSecondsPerRequest(p, shape);
  const byCompute = compute > 0 ? 1 / compute : Number.POSITIVE_INFINITY;
  const duration = requestSeconds(p, shape);
  const byMemory = duration > 0 ? inFlightLimit(p, reservedMiB, shape) / duration : Number.POSITIVE_INFINITY;
  return Math.min(byCompute, byMemory);
}

/** GPU memory the replica holds on each of its GPUs while serving `rps`: weights + KV cache in flight, at most its reservation. */
export function replicaMemoryPerGpuMiB(p: FleetProfile, reservedMiB: number, shape: RequestShape, rps: number): number {
  const inFlight = Math.min(rps * requestSeconds(p, shape), inFlightLimit(p, reservedMiB, shape));
  return Math.min(reservedMiB, (weightsMiB(p) + inFlight * kvPerRequestMiB(p, shape)) / p.gpusPerReplica);
}

/**
 * GPUs a load needs at the least, in whole-GPU equivalents: its compute (every GPU of a replica
 * busy for each request's compute seconds) or its memory (the weights of as many replicas as the
 * load needs, at least one, plus the KV cache in flight), whichever is larger.
 */
export function neededGpus(p: FleetProfile, deviceMiB: number, shape: RequestShape, rps: number): number {
  const compute = rps * computeSecondsPerRequest(p, shape) * p.gpusPerReplica;
  const perReplica = replicaCapacityRps(p, deviceMiB, shape);
  const replicas = Math.max(1, Math.ceil(rps / perReplica - 1e-9));
  const memory = (replicas * weightsMiB(p) + rps * requestSeconds(p, shape) * kvPerRequestMiB(p, shape)) / deviceMiB;
  return Math.max(compute, memory);
}
