/**
 * What a service's replicas can serve, given where they run. The sizing model is capacity.ts's
 * (src/metrics/forecast), read the other way round:
 *  - a replica holds requests in flight up to its batch limit and up to what its KV cache room
 *    (reserved GPU memory − weights) holds at the current tokens per request; a request lasts
 *    generated tokens / per-stream speed (Little's law turns that into requests/s);
 *  - a replica generates at most one GPU's token throughput.
 * The service's load is spread over its placed replicas in proportion to those capacities (a
 * least-outstanding-requests balancer does about that); load above their sum is not served.
 * Replicas that share a device share its compute: when their compute demand on one device
 * exceeds one GPU, each is slowed by the same factor. What is not served is the SLO shortfall.
 */
import type { ModelProfile } from "../../../src/metrics/forecast/capacity.js";
import type { LoadPoint } from "./load-series.js";

export interface ReplicaState {
  readonly memoryMiB: number;
  /** `node#device` where it runs; null while it waits for a place. */
  readonly device: string | null;
  readonly node: string | null;
}

export interface ServiceState {
  readonly profile: ModelProfile;
  readonly load: LoadPoint;
  readonly replicas: readonly ReplicaState[];
}

export interface Serving {
  /** Requests/s served, per service. */
  readonly served: number[];
  /** Compute demand per device (1 = one GPU's throughput), over-commitment included. */
  readonly deviceDemand: Map<string, number>;
  /** Requests/s each replica is given, per service, index-aligned with its replicas. */
  readonly replicaRps: number[][];
}

function streamSpeed(profile: ModelProfile): number {
  return profile.tokensPerSecondPerRequest ?? profile.maxTokensPerSecondPerGpu / profile.maxConcurrentPerReplica;
}

/** Requests/s one replica with `memoryMiB` reserved can serve at this load's token sizes, on a GPU of its own. */
export function replicaCapacityRps(profile: ModelProfile, memoryMiB: number, load: LoadPoint): number {
  const g = load.generatedTokens;
  if (!(g > 0)) return Number.POSITIVE_INFINITY; // nothing to generate: no limit from time or compute
  const requestSeconds = g / streamSpeed(profile);
  const kvPerRequest = (load.contextTokens + g) * profile.kvCacheMiBPerToken;
  const room = Math.max(0, memoryMiB - profile.weightsMiB);
  const inFlight = Math.min(
    profile.maxConcurrentPerReplica,
    kvPerRequest > 0 ? room / kvPerRequest : Number.POSITIVE_INFINITY,
  );
  return Math.min(inFlight / requestSeconds, profile.maxTokensPerSecondPerGpu / g);
}

export function serve(services: readonly ServiceState[]): Serving {
  const replicaRps: number[][] = [];
  const deviceDemand = new Map<string, number>();
  for (const s of services) {
    const caps = s.replicas.map((r) => (r.device === null ? 0 : replicaCapacityRps(s.profile, r.memoryMiB, s.load)));
    const total = caps.reduce((a, b) => a + b, 0);
    const carried = Math.min(s.load.rps, total);
    const shares = caps.map((c) => {
      if (total === 0) return 0;
      // An unlimited replica (no tokens to generate) splits the load evenly with its peers.
      if (total === Number.POSITIVE_INFINITY)
        return c === Number.POSITIVE_INFINITY ? s.load.rps / countInfinite(caps) : 0;
      return (carried * c) / total;
    });
    replicaRps.push(shares);
    s.replicas.forEach((r, i) => {
      if (r.device === null || shares[i] === 0) return;
      const demand = (shares[i] * s.load.generatedTokens) / s.profile.maxTokensPerSecondPerGpu;
      deviceDemand.set(r.device, (deviceDemand.get(r.device) ?? 0) + demand);
    });
  }
  const served = services.map((s, k) => {
    let sum = 0;
    s.replicas.forEach((r, i) => {
      if (r.device === null) return;
      const demand = deviceDemand.get(r.device) ?? 0;
      sum += replicaRps[k][i] * (demand > 1 ? 1 / demand : 1);
    });
    return sum;
  });
  return { served, deviceDemand, replicaRps };
}

function countInfinite(caps: readonly number[]): number {
  return caps.filter((c) => c === Number.POSITIVE_INFINITY).length;
}
