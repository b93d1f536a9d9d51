/**
 * How many replicas a service runs and how much GPU memory each reserves (weights + KV cache for
 * its share of the load), by src/metrics/forecast/capacity.ts's sizing:
 *  - static-peak, what operators do today: enough replicas, each with enough memory, for the
 *    worst bin of the whole load (plus headroom), fixed for the run;
 *  - rescale, for forecast-driven scaling: add replicas sized for the target until the replicas'
 *    capacity covers it; remove the least useful ones (waiting for a place, then smallest) while
 *    the rest still cover it. Memory requests are immutable once a pod exists, so replicas of
 *    different sizes coexist and capacity, not count, decides.
 */
import { demandToGpu, type ModelProfile } from "../../../src/metrics/forecast/capacity.js";
import type { LoadPoint, ServiceLoad } from "./load-series.js";
import { replicaCapacityRps } from "./serving.js";

export interface Sizing {
  readonly replicas: number;
  readonly memoryMiB: number;
}

export function peakSizing(load: ServiceLoad, profile: ModelProfile, headroom: number): Sizing {
  let replicas = 1;
  let kvMax = 0;
  for (let b = 0; b < load.rps.length; b++) {
    const need = demandToGpu(
      {
        rps: load.rps[b] * (1 + headroom),
        meanContextTokens: load.contextTokens[b],
        meanGeneratedTokens: load.generatedTokens[b],
      },
      profile,
    );
    replicas = Math.max(replicas, need.replicas);
    kvMax = Math.max(kvMax, need.kvCacheMiB);
  }
  return { replicas, memoryMiB: profile.weightsMiB + kvMax / replicas };
}

export interface ReplicaInfo {
  readonly key: string;
  readonly ordinal: number;
  readonly memoryMiB: number;
  readonly placed: boolean;
}

export interface Rescale {
  /** Memory of each replica to add. */
  readonly add: number[];
  /** Keys of replicas to remove. */
  readonly remove: string[];
}

/** Replica changes so capacity covers `target` (its rps at its token sizes); at least one replica stays. */
export function rescale(replicas: readonly ReplicaInfo[], target: LoadPoint, profile: ModelProfile): Rescale {
  const need = demandToGpu(
    { rps: target.rps, meanContextTokens: target.contextTokens, meanGeneratedTokens: target.generatedTokens },
    profile,
  );
  const capOf = (memoryMiB: number) => replicaCapacityRps(profile, memoryMiB, target);
  let capacity = replicas.reduce((sum, r) => sum + capOf(r.memoryMiB), 0);
  const add: number[] = [];
  if (replicas.length === 0 || capacity < target.rps) {
    const fresh = capOf(need.perReplicaMemoryMiB);
    // Replicas sized for the target each carry about 1/need.replicas of it: that many always suffice.
    while ((replicas.length + add.length === 0 || capacity < target.rps) && add.length < need.replicas) {
      add.push(need.perReplicaMemoryMiB);
      capacity += fresh;
    }
    return { add, remove: [] };
  }
  const candidates = [...replicas].sort(
    (a, b) => Number(a.placed) - Number(b.placed) || capOf(a.memoryMiB) - capOf(b.memoryMiB) || b.ordinal - a.ordinal,
  );
  const remove: string[] = [];
  for (const r of candidates) {
    if (replicas.length - remove.length <= 1) break;
    const cap = capOf(r.memoryMiB);
    if (!Number.isFinite(cap) || capacity - cap < target.rps) continue;
    capacity -= cap;
    remove.push(r.key);
  }
  return { add, remove };
}
