/**
 * Pods seen by filter / prioritize, by UID, for a few minutes: a bind request names only the pod,
 * so this saves an API round trip on the bind path. Bounded in count and age.
 */
import type { V1Pod } from "@kubernetes/client-node";

export interface RecentPodsOptions {
  readonly ttlMs: number;
  readonly capacity: number;
}

export const DEFAULT_RECENT_PODS: RecentPodsOptions = { ttlMs: 5 * 60_000, capacity: 10_000 };

export class RecentPods {
  /** Insertion order = age order: remember() re-inserts, so the oldest entries are first. */
  private readonly byUid = new Map<string, { pod: V1Pod; seenAt: number }>();

  constructor(private readonly options: RecentPodsOptions = DEFAULT_RECENT_PODS) {}

  remember(uid: string, pod: V1Pod, now: number): void {
    if (uid === "") return;
    this.byUid.delete(uid);
    this.byUid.set(uid, { pod, seenAt: now });
    this.evict(now);
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
