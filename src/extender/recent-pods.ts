/**
 * What the core read of the pods filter and prioritize saw, by UID, for a few minutes: prioritize
 * gets the same pod right after filter, so keeping the reading saves parsing quantities and
 * annotations again. Bounded in count and age. Bind never uses it: a request body is not the
 * API server's truth (anyone who can reach the port can send one), so bind reads the pod itself. Only the reading is kept, not the v1 Pod: a pod kept a minute is
 * copied by two young-generation collections and then promoted, and the reading is a fraction of
 * the object kube-scheduler sends (managed fields, status, every container).
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
  /** The pod's metadata.resourceVersion when it was read; "" when it had none. */
  readonly resourceVersion: string;
}

export class RecentPods {
  /** Insertion order = age order: remember() re-inserts, so the oldest entries are first. */
  private readonly byUid = new Map<string, { reading: PodReading; seenAt: number }>();

  constructor(private readonly options: RecentPodsOptions = DEFAULT_RECENT_PODS) {}

  remember(reading: PodReading, now: number): void {
    const uid = reading.request.uid;
    if (uid === "") return;
    this.byUid.delete(uid);
    this.byUid.set(uid, { reading, seenAt: now });
    this.evict(now);
  }

  /**
   * What the core read of this very pod under `config`, if it was remembered: the API server
   * gives every change of a pod a new resourceVersion, so the same UID and resourceVersion mean
   * the same object. A pod without a resourceVersion is never matched.
   */
  readingOf(pod: V1Pod, config: TierfitConfig): PodRequest | undefined {
    const resourceVersion = pod.metadata?.resourceVersion;
    const reading = this.byUid.get(pod.metadata?.uid ?? "")?.reading;
    if (!resourceVersion || reading?.config !== config) return undefined;
    return reading.resourceVersion === resourceVersion ? reading.request : undefined;
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
