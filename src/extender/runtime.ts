/**
 * What every verb handler works with: the app's dependencies (ports, config, demand, clock) and
 * the per-app state built from them (metrics, recorders, caches). One per app instance; nothing
 * module-level.
 */
import type { Logger } from "pino";
import type { Allocation, PodRequest } from "../cluster/types.js";
import type { TierfitConfig } from "../config/schema.js";
import type { DemandSnapshot } from "../scoring/demand-snapshot.js";
import { DecisionCache } from "./decision-cache.js";
import { DEFAULT_EXPLAIN_BYTES, DEFAULT_EXPLAIN_CAPACITY, DecisionRecorder } from "./decision-recorder.js";
import { ExtenderMetrics } from "./metrics.js";
import { NodeLookup } from "./node-lookup.js";
import { NodeViewCache } from "./node-views.js";
import type { Binder, ClaimSource, ClusterCache, DemandStatus, PodSource } from "./ports.js";
import { DEFAULT_RECENT_PODS, RecentPods, type RecentPodsOptions } from "./recent-pods.js";
import type { TlsFiles } from "./tls.js";
import { VerdictMemo } from "./verdict-memo.js";

/** The Kubernetes side of the extender; absent in --standalone. */
export interface KubePorts {
  readonly cache: ClusterCache;
  readonly binder: Binder;
  readonly podSource: PodSource;
  /** The ResourceClaim informer's cache: a DRA pod's GPU need comes from its claims. */
  readonly claims: ClaimSource;
}

export interface ExtenderDeps {
  /** The current config (hot-reloaded by the caller; read once per request). */
  config(): TierfitConfig;
  /** The current live-demand snapshot (EMPTY_DEMAND when there is none). */
  demand(): DemandSnapshot;
  /** Wall clock, ms since epoch. */
  now(): number;
  /** Health of the live-demand source, shown in /readyz and /metrics; absent without Redis. */
  readonly demandStatus?: () => DemandStatus;
  /**
   * Called after a pod is bound, so the live-demand view counts its load before telemetry shows
   * it (metrics lag placements; without this a burst piles onto the node that looked idlest).
   */
  readonly onPlaced?: (pod: PodRequest, allocation: Allocation, at: number) => void;
  /** null = --standalone: no node cache, no API writes. */
  readonly kube: KubePorts | null;
  /** Defaults to pino at info on stdout. */
  readonly logger?: Logger;
  /** Serve HTTPS with these PEM files (kube-scheduler's enableHTTPS); mutual TLS with a client CA. */
  readonly tls?: TlsFiles;
  /** Largest request body in bytes; defaults to DEFAULT_BODY_LIMIT (5,000 full v1 nodes). */
  readonly bodyLimit?: number;
  /** How many pods /explain remembers, and in at most how many bytes of node states. */
  readonly explainCapacity?: number;
  readonly explainBytes?: number;
  readonly recentPods?: RecentPodsOptions;
  /** Pass one in to count config reloads from outside; otherwise the app makes its own. */
  readonly metrics?: ExtenderMetrics;
}

export interface ExtenderRuntime {
  readonly deps: ExtenderDeps;
  readonly metrics: ExtenderMetrics;
  readonly recorder: DecisionRecorder;
  readonly recentPods: RecentPods;
  readonly views: NodeViewCache;
  readonly lookup: NodeLookup;
  readonly decisions: DecisionCache;
  readonly verdicts: VerdictMemo;
}

export function createRuntime(deps: ExtenderDeps): ExtenderRuntime {
  const metrics = deps.metrics ?? new ExtenderMetrics();
  const cache = deps.kube?.cache;
  metrics.watchAges({
    cacheAgeMs: cache ? () => cache.ageMs() : null,
    // With Redis, the age of the last read that succeeded: during an outage the snapshot is
    // rebuilt (entries judged stale) with a new takenAt, but nothing new was read.
    demandAgeMs: () => {
      const readAt = deps.demandStatus ? deps.demandStatus().lastRefreshAt : deps.demand().takenAt;
      return readAt !== null && readAt > 0 ? Math.max(0, deps.now() - readAt) : Number.POSITIVE_INFINITY;
    },
  });
  if (deps.demandStatus) metrics.watchDemand(deps.demandStatus);
  if (cache) metrics.watchGpus(cache.ledger, deps.config, deps.demand);
  return {
    deps,
    metrics,
    recorder: new DecisionRecorder(
      deps.explainCapacity ?? DEFAULT_EXPLAIN_CAPACITY,
      deps.explainBytes ?? DEFAULT_EXPLAIN_BYTES,
    ),
    recentPods: new RecentPods(deps.recentPods ?? DEFAULT_RECENT_PODS),
    views: new NodeViewCache(),
    lookup: new NodeLookup(),
    decisions: new DecisionCache(),
    verdicts: new VerdictMemo(),
  };
}
