/**
 * A watch that cannot hang: it asks the API server to end it after `timeoutSeconds` (as client-go
 * does, jittered so replicas do not reconnect together; ListWatch then resumes from its last
 * resourceVersion without a relist), asks for bookmarks so a quiet watch still advances, and gives
 * up on a connection that has said nothing for longer than that (a half-open TCP connection or a
 * stuck API server), which makes the informer relist. The wait for the response headers is bounded
 * by the KubeConfig (api-client.ts).
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { TrimmingWatch } from "./trim.js";

export interface WatchBounds {
  /** The API server ends each watch after this many seconds (jittered up to twice as long). */
  readonly timeoutSeconds: number;
  /** A watch silent this much longer than its timeout is abandoned. */
  readonly idleGraceMs: number;
  readonly random: () => number;
}

export const DEFAULT_WATCH_BOUNDS: Omit<WatchBounds, "random"> = { timeoutSeconds: 300, idleGraceMs: 30_000 };

export class BoundedWatch extends TrimmingWatch {
  constructor(
    config: KubeConfig,
    private readonly bounds: WatchBounds,
  ) {
    super(config);
  }

  override async watch(
    ...[path, params, callback, done]: Parameters<TrimmingWatch["watch"]>
  ): ReturnType<TrimmingWatch["watch"]> {
    const timeoutSeconds = Math.round(this.bounds.timeoutSeconds * (1 + this.bounds.random()));
    const idleMs = timeoutSeconds * 1000 + this.bounds.idleGraceMs;
    let controller: AbortController | undefined;
    let timer: NodeJS.Timeout | undefined;
    let idle = false;
    let finished = false;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        idle = true;
        controller?.abort();
      }, idleMs);
      timer.unref();
    };
    const heard: typeof callback = (phase, obj, event) => {
      arm();
      callback(phase, obj, event);
    };
    const ended: typeof done = (err) => {
      finished = true;
      clearTimeout(timer);
      done(idle ? new Error(`the ${path} watch said nothing for ${Math.round(idleMs / 1000)} s`) : err);
    };
    const query = { ...params, timeoutSeconds, allowWatchBookmarks: true };
    controller = await super.watch(path, query, heard, ended);
    if (!finished) arm();
    return controller;
  }
}
