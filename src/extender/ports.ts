/**
 * What the extender's HTTP side needs from the outside world, as ports: the cluster cache fed by
 * informers, the API writes a bind makes, and a pod lookup. src/extender/kube implements them
 * against the Kubernetes API; tests and `--standalone` use their own.
 */
import type { V1Pod } from "@kubernetes/client-node";
import type { AllocationLedger } from "../cluster/ledger.js";
import type { Allocation } from "../cluster/types.js";

export interface ClusterCache {
  /** Nodes and what is allocated on them; bind reserves here before it writes to the API. */
  readonly ledger: AllocationLedger;
  /** Every informer has completed its initial list. */
  synced(): boolean;
  /** What keeps the cache from being ready, in words ("node informer not synced"); empty when synced. */
  missing(): string[];
  /** Milliseconds since the cache last heard from the API server. */
  ageMs(): number;
  /**
   * `namespace/name` of the pod with this UID, if the cache holds it. Preemption in names mode
   * (NodeNameToMetaVictims) names victims by UID only; without this the extender keeps
   * kube-scheduler's choice of victims unchecked.
   */
  podKeyByUid?(uid: string): string | undefined;
}

/** The pod and node of one bind: the pod as tierfit read it from the API server. */
export interface BindTarget {
  readonly podName: string;
  readonly podNamespace: string;
  readonly podUid: string;
  /** The resourceVersion of the pod object the rules were checked on ("" when unknown). */
  readonly resourceVersion: string;
  readonly node: string;
}

/**
 * What became of a bind: `bound` (the API server has the pod on the node); `refused` (nothing was
 * written: the devices can be released); `stale` (the pod changed since it was read: read it
 * again); `in-doubt` (the API server has not shown whether the write applied: the devices stay
 * reserved until it does).
 */
export type BindResult =
  | { readonly kind: "bound" }
  | { readonly kind: "refused" | "stale" | "in-doubt"; readonly reason: string; readonly cause: ApiFailure };

/**
 * What went wrong in an API call, as a short fixed word (the bind-failures counter's reason):
 * conflict (409: the pod changed or is bound elsewhere), not-found (404), forbidden (401, 403),
 * timeout (no answer in kube.apiTimeoutMs, 408, 504), server-error (other 5xx), refused (any other
 * 4xx), unreachable (no HTTP answer at all: refused, reset or unresolved connection).
 */
export type ApiFailure =
  | "conflict"
  | "not-found"
  | "forbidden"
  | "timeout"
  | "server-error"
  | "refused"
  | "unreachable";

export interface Binder {
  /** Creates the Binding, carrying the device assignment, in one write; never rejects for an API failure. */
  bind(target: BindTarget, allocation: Allocation): Promise<BindResult>;
}

/** ResourceClaims as tierfit's informer holds them, for pods that ask GPUs through claims. */
export interface ClaimSource {
  /** The claims of these names in `namespace`, and the names not held; synchronous, no API call. */
  claimsOf(namespace: string, names: readonly string[]): { found: readonly unknown[]; missing: readonly string[] };
}

export interface PodSource {
  /**
   * The pod as the API server has it: from the informer when it holds the pod, else (or with
   * `fresh`) read from the API server; null when it does not exist.
   */
  getPod(namespace: string, name: string, fresh?: boolean): Promise<V1Pod | null>;
}

/** Health of the live-demand source (Redis), for /readyz and /metrics. Absent when tierfit runs without Redis. */
export interface DemandStatus {
  readonly connected: boolean;
  /** When the snapshot was last refreshed from Redis, ms since epoch; null if never. */
  readonly lastRefreshAt: number | null;
  readonly lastError: string | null;
  readonly staleNodes: number;
  readonly staleModels: number;
}
