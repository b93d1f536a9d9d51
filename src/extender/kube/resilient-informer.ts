/**
 * One informer (client-node's ListWatch) that survives errors. ListWatch resumes a cleanly closed
 * watch from its last resourceVersion and relists by itself on 410 Gone, but on any other error
 * (a dropped connection, a failed list) it stops for good. Here such an error ends the session:
 * after an exponential backoff with jitter a fresh ListWatch starts with a full list, and
 * `onList` hands that list over whole so the owner can reconcile what changed during the outage
 * (a fresh ListWatch has an empty cache, so it cannot report deletions itself). What it keeps
 * of each object is trimmed (trim.ts).
 */
import { type KubeConfig, type KubernetesListObject, type KubernetesObject, ListWatch } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { apiErrorMessage } from "./api-error.js";
import { type BackoffPolicy, backoffDelayMs } from "./backoff.js";
import { BoundedWatch, DEFAULT_WATCH_BOUNDS, type WatchBounds } from "./bounded-watch.js";
import type { InformerStatus } from "./cluster-cache.js";
import { trimmed } from "./trim.js";

export interface InformerHandlers<T> {
  /** A full list arrived (the first one or a relist), before its items are replayed as upserts. */
  onList(items: readonly T[]): void;
  onUpsert(obj: T): void;
  onDelete(obj: T): void;
}

export interface ResilientInformerOptions<T extends KubernetesObject> {
  /** Used in logs and readiness messages: "node", "pod". */
  readonly name: string;
  readonly kubeConfig: KubeConfig;
  /** Watch path, e.g. /api/v1/pods. */
  readonly path: string;
  readonly fieldSelector?: string;
  readonly list: () => Promise<KubernetesListObject<T>>;
  readonly handlers: InformerHandlers<T>;
  readonly backoff: BackoffPolicy;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly random: () => number;
  /** Defaults to DEFAULT_WATCH_BOUNDS. */
  readonly watchBounds?: Omit<WatchBounds, "random">;
}

export class ResilientInformer<T extends KubernetesObject> implements InformerStatus {
  private session: ListWatch<T> | null = null;
  private sessionId = 0;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = true;
  private listedOnce = false;
  private lastHeard = 0;
  private sessionListedAt = 0;

  constructor(private readonly opts: ResilientInformerOptions<T>) {}

  get name(): string {
    return this.opts.name;
  }

  /** Starts listing and watching; resolves once the first attempt has been made (not necessarily succeeded). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.startSession();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const session = this.session;
    this.session = null;
    this.sessionId++;
    await session?.stop();
  }

  /** A full list has succeeded at least once. */
  hasSynced(): boolean {
    return this.listedOnce;
  }

  /** The objects as the informer knows them now; null while it is between sessions (relisting). */
  current(): readonly T[] | null {
    return this.session && this.listedOnce ? this.session.list() : null;
  }

  /** One object as the informer knows it now; undefined when it does not hold it (or is relisting). */
  get(namespace: string, name: string): T | undefined {
    return this.session && this.listedOnce ? this.session.get(name, namespace) : undefined;
  }

  /** ms since epoch of the last list or watch event; 0 before any. */
  lastHeardAt(): number {
    return this.lastHeard;
  }

  private async startSession(): Promise<void> {
    const id = ++this.sessionId;
    const live = () => id === this.sessionId && !this.stopped;
    const { kubeConfig, path, fieldSelector, handlers } = this.opts;
    const listFn = async () => {
      const list = await this.opts.list();
      for (const item of list.items) trimmed(item);
      if (live()) {
        this.heard();
        this.listedOnce = true;
        this.sessionListedAt = this.opts.clock();
        handlers.onList(list.items);
      }
      return list;
    };
    const watch = new BoundedWatch(kubeConfig, {
      ...(this.opts.watchBounds ?? DEFAULT_WATCH_BOUNDS),
      random: this.opts.random,
    });
    const session = new ListWatch<T>(path, watch, listFn, false, undefined, fieldSelector);
    const guarded = (fn: (obj: T) => void) => (obj: T) => {
      if (!live()) return;
      this.heard();
      try {
        fn(obj);
      } catch (err) {
        // One bad object must not stop the informer; the ledger stays as it was for it.
        this.opts.logger.error({ err, object: obj.metadata?.name }, `${this.opts.name} informer: event not applied`);
      }
    };
    const upsert = guarded((o) => handlers.onUpsert(o));
    session.on("add", upsert);
    session.on("update", upsert);
    session.on(
      "delete",
      guarded((o) => handlers.onDelete(o)),
    );
    session.on("error", (err) => {
      if (live()) this.retryAfter(err);
    });
    this.session = session;
    await session.start();
  }

  private retryAfter(err: unknown): void {
    const old = this.session;
    this.session = null;
    this.sessionId++; // events still in flight from the old session are ignored from here on
    void old?.stop();
    // A session that stayed up longer than the longest backoff was healthy: start the backoff afresh.
    if (this.sessionListedAt > 0 && this.opts.clock() - this.sessionListedAt >= this.opts.backoff.maxMs) {
      this.failures = 0;
    }
    this.sessionListedAt = 0;
    const delay = backoffDelayMs(this.opts.backoff, this.failures++, this.opts.random());
    this.opts.logger.warn(
      { delayMs: delay, attempt: this.failures },
      `${this.opts.name} informer: ${apiErrorMessage(err)}; relisting in ${delay} ms`,
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) void this.startSession();
    }, delay);
    this.retryTimer.unref();
  }

  private heard(): void {
    this.lastHeard = this.opts.clock();
  }
}
