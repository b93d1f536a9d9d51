/**
 * Pods seen by filter / prioritize, by UID, for a few minutes: a bind request names only the pod,
 * so this saves an API round trip on the bind path. Bounded in count and age. Each keeps what the
 * core read of it too: kube-scheduler sends the same pod to filter and then prioritize, and
 * reading a pod parses its quantities and annotations again.
 */
import type { V1Pod } from "@kubernetes/client-node";
import type { PodRequest } from "../cluster/types.js";
import type { TierfitConfig } from "../config/schema.js";

export interface RecentPodsOptions {
  readonly ttlMs: number;
  readonly capacity: number;
}

export const DEFAULT_RECENT_PODS: RecentPodsOptions = { ttlMs: 5 * 60_000, capacity: 10_000 };

/** What the core read of a pod (podRequestFromV1) under a config. */
export interface PodReading {
  readonly config: TierfitConfig;
  readonly request: PodRequest;
}

export class RecentPods {
  /** Insertion order = age order: remember() re-inserts, so the oldest entries are first. */
  private readonly byUid = new Map<string, { pod: V1Pod; seenAt: number; reading: PodReading | undefined }>();

  constructor(private readonly options: RecentPodsOptions = DEFAULT_RECENT_PODS) {}

  remember(uid: string, pod: V1Pod, now: number, reading?: PodReading): void {
    if (uid === "") return;
    this.byUid.delete(uid);
    this.byUid.set(uid, { pod, seenAt: now, reading });
    this.evict(now);
  }

  /**
   * What the core read of this very pod under `config`, if it was remembered: the API server
   * gives every change of a pod a new resourceVersion, so the same UID and resourceVersion mean
   * the same object. A pod without a resourceVersion is never matched.
   */
  readingOf(pod: V1Pod, config: TierfitConfig): PodRequest | undefined {
    const resourceVersion = pod.metadata?.resourceVersion;
    const entry = this.byUid.get(pod.metadata?.uid ?? "");
    if (!resourceVersion || entry?.reading?.config !== config) return undefined;
    return entry.pod.metadata?.resourceVersion === resourceVersion ? entry.reading.request : undefined;
  }

  recall(uid: string, now: number): V1Pod | undefined {
    const entry = this.byUid.get(uid);
    if (entry === undefined) return undefined;
    if (now - entry.seenAt > this.options.ttlMs) {
      this.byUid.delete(uid);
      return undefined;
    }
    return entry.pod;
  }

  forget(uid: string): void {
    this.byUid.delete(uid);
  }

  get size(): number {
    return this.byUid.size;
  }

  private evict(now: number): void {
    for (const [uid, entry] of this.byUid) {
      if (this.byUid.size <= this.options.capacity && now - entry.seenAt <= this.options.ttlMs) break;
      this.byUid.delete(uid);
    }
  }
}
