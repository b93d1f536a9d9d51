/**
 * Keeps an in-memory DemandSnapshot current from Redis, in the background. The request path
 * calls `current()`, which is synchronous and never touches Redis; `refresh()` (run by the
 * refresh job) reads everything in two round trips, builds a new immutable snapshot and swaps it
 * in. When Redis is down the last data keeps being served and is re-judged on every refresh, so
 * entries turn stale once they are older than `demand.staleAfterSeconds`.
 */
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { type DemandSnapshot, EMPTY_DEMAND } from "../scoring/demand-snapshot.js";
import { type ExpectedLoad, PendingPlacements } from "./pending-placements.js";
import { type CommandCounter, countCommands } from "./redis-client.js";
import {
  decodeForecast,
  decodeModelHash,
  decodeNodeRow,
  type ModelSample,
  type NodeRow,
  type RedisKeys,
  type StoredForecast,
} from "./redis-schema.js";
import { HASHES_CHANGED, NODE_ROWS_CHANGED, runScriptPerKey } from "./redis-scripts.js";
import { buildSnapshot, EMPTY_RAW, nodeTelemetry, type RawDemand } from "./snapshot-builder.js";
import { StalenessLog } from "./staleness-log.js";

export interface SnapshotReaderOptions {
  readonly redis: Redis;
  readonly keys: RedisKeys;
  readonly staleAfterSeconds: number;
  readonly logger: Logger;
  readonly now?: () => number;
  /** How long a placement's expected load is added when no newer sample arrives; default 5 min. */
  readonly placementMaxAgeMs?: number;
}

export interface ReaderStatus {
  /**
   * Redis answers: the connection is up and the last refresh's commands succeeded. A frozen
   * Redis keeps its connection open; its commands time out (redis.commandTimeoutMs).
   */
  readonly connected: boolean;
  /** When a refresh last read Redis successfully, ms since epoch. */
  readonly lastRefreshAt: number | null;
  /** Why the last refresh failed; null once one succeeds. */
  readonly lastError: string | null;
  readonly staleNodes: number;
  readonly staleModels: number;
  readonly refreshDurationMs: number | null;
  /** Redis commands sent from inside current(): must stay 0 (the request path never waits on Redis). */
  readonly redisCallsFromCurrent: number;
}

type PipelineResult = [Error | null, unknown][] | null;

function results(res: PipelineResult): unknown[] {
  if (res === null) throw new Error("the pipeline was aborted");
  return res.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

export class SnapshotReader {
  private snapshot: DemandSnapshot = EMPTY_DEMAND;
  private raw: RawDemand = EMPTY_RAW;
  private readonly pending: PendingPlacements;
  private readonly staleness: StalenessLog;
  private readonly counter: CommandCounter;
  private readonly now: () => number;
  private readonly staleAfterMs: number;
  private inFlight: Promise<boolean> | null = null;
  private lastRefreshAt: number | null = null;
  private lastError: string | null = null;
  private refreshDurationMs: number | null = null;
  private staleNodes = 0;
  private staleModels = 0;
  private redisCallsFromCurrent = 0;

  constructor(private readonly opts: SnapshotReaderOptions) {
    this.now = opts.now ?? Date.now;
    this.staleAfterMs = opts.staleAfterSeconds * 1000;
    this.pending = new PendingPlacements(opts.placementMaxAgeMs ?? 300_000);
    this.staleness = new StalenessLog(opts.logger, opts.staleAfterSeconds);
    this.counter = countCommands(opts.redis);
  }

  /** The latest snapshot. Synchronous, never touches Redis, never throws. */
  current(): DemandSnapshot {
    const before = this.counter.count;
    const s = this.snapshot;
    this.redisCallsFromCurrent += this.counter.count - before;
    return s;
  }

  /**
   * Reads Redis and swaps in a new snapshot; resolves false (and keeps the last data, re-judged
   * for staleness) when Redis fails. Concurrent calls share one read.
   */
  refresh(): Promise<boolean> {
    this.inFlight ??= this.doRefresh().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /**
   * A pod was just placed on `node`: add its expected load to the node's view until a sample
   * taken after `at` arrives. Takes effect in current() at once.
   */
  notePlacement(node: string, model: string | null, expected: ExpectedLoad, at: number): void {
    this.pending.note(node, model, expected, at);
    const row = this.raw.nodes.get(node);
    if (row === undefined) return;
    const nodes = new Map(this.snapshot.nodes);
    nodes.set(node, nodeTelemetry(row, this.pending, this.now(), this.staleAfterMs));
    this.snapshot = Object.freeze({ ...this.snapshot, nodes });
  }

  status(): ReaderStatus {
    return {
      connected: this.opts.redis.status === "ready" && this.lastError === null,
      lastRefreshAt: this.lastRefreshAt,
      lastError: this.lastError,
      staleNodes: this.staleNodes,
      staleModels: this.staleModels,
      refreshDurationMs: this.refreshDurationMs,
      redisCallsFromCurrent: this.redisCallsFromCurrent,
    };
  }

  private async doRefresh(): Promise<boolean> {
    const started = performance.now();
    let ok = true;
    try {
      this.raw = await this.read();
      this.lastRefreshAt = this.now();
      if (this.lastError !== null) this.opts.logger.info("Redis is back: live demand refreshes again");
      this.lastError = null;
    } catch (err) {
      ok = false;
      const message = (err as Error).message;
      if (this.lastRefreshAt === null) {
        // Never read yet (Redis still starting, or absent): scoring goes on without live demand.
        if (this.lastError === null) {
          this.opts.logger.warn(
            { err: message },
            "live demand not read yet; its signal is neutral until Redis answers",
          );
        }
      } else if (this.lastError === null) {
        this.opts.logger.error({ err: message }, "live demand refresh failed; serving the last snapshot");
      }
      this.lastError = message;
    }
    this.rebuild();
    this.refreshDurationMs = performance.now() - started;
    return ok;
  }

  private rebuild(): void {
    const snapshot = buildSnapshot(this.raw, this.pending, this.now(), this.staleAfterMs, this.snapshot);
    const staleNodes = new Set<string>();
    const staleModels = new Set<string>();
    for (const [name, t] of snapshot.nodes) if (t.stale) staleNodes.add(name);
    for (const [name, m] of snapshot.models) if (m.stale) staleModels.add(name);
    this.staleness.update("node", staleNodes);
    this.staleness.update("model", staleModels);
    this.staleNodes = staleNodes.size;
    this.staleModels = staleModels.size;
    this.snapshot = snapshot;
  }

  /**
   * Two round trips: the indexes (scored by each entry's `ts`, written in the same MULTI as the
   * entry) and the forecasts; then, through the *_changed scripts, only the entries whose score
   * moved since the last refresh. A steady cluster costs little more than the two index reads.
   */
  private async read(): Promise<RawDemand> {
    const { redis, keys } = this.opts;
    const [nodeIndex, modelIndex, forecastHash] = results(
      await redis
        .pipeline()
        .zrange(keys.nodeIndex, 0, -1, "WITHSCORES")
        .zrange(keys.modelIndex, 0, -1, "WITHSCORES")
        .hgetall(keys.forecasts)
        .exec(),
    ) as [string[], string[], Record<string, string>];
    const prev = this.raw;
    const nodes = new Map<string, NodeRow>();
    const models = new Map<string, ModelSample>();
    const changedNodes = unchangedInto(nodeIndex, prev.nodes, nodes);
    const changedModels = unchangedInto(modelIndex, prev.models, models);
    const heldTs = (row: { ts: number } | undefined) => (row === undefined ? "" : String(row.ts));
    const [nodeReplies, modelReplies] = (await Promise.all([
      runScriptPerKey(
        redis,
        NODE_ROWS_CHANGED,
        changedNodes.map(keys.gpu),
        changedNodes.map((n) => heldTs(prev.nodes.get(n))),
      ),
      runScriptPerKey(
        redis,
        HASHES_CHANGED,
        changedModels.map(keys.model),
        changedModels.map((m) => heldTs(prev.models.get(m))),
      ),
    ])) as [([string] | [string, string | null] | null)[], (string[] | null)[]];

    changedNodes.forEach((name, i) => {
      const reply = nodeReplies[i];
      if (!reply) return;
      const row = reply.length === 1 ? prev.nodes.get(name) : decodeNodeRow(name, reply[0], reply[1] ?? null);
      if (row) nodes.set(name, row);
    });
    changedModels.forEach((name, i) => {
      const reply = modelReplies[i];
      if (!reply) return;
      const m = reply.length === 1 ? prev.models.get(name) : decodeModelHash(name, pairs(reply));
      if (m) models.set(name, m);
    });
    const forecasts = new Map<string, StoredForecast>();
    for (const [name, json] of Object.entries(forecastHash)) {
      const f = decodeForecast(json);
      if (f !== null) forecasts.set(name, f);
    }
    return { nodes, models, forecasts };
  }
}

/**
 * Walks an index (`name, score, …`): entries held with that very `ts` go straight into `into`;
 * the names of the others (new or rewritten) are returned for fetching.
 */
function unchangedInto<T extends { ts: number }>(
  index: readonly string[],
  held: ReadonlyMap<string, T>,
  into: Map<string, T>,
): string[] {
  const changed: string[] = [];
  for (let i = 0; i + 1 < index.length; i += 2) {
    const name = index[i];
    const h = held.get(name);
    if (h !== undefined && String(h.ts) === index[i + 1]) into.set(name, h);
    else changed.push(name);
  }
  return changed;
}

/** A flat HGETALL reply as an object. */
function pairs(flat: readonly string[]): Record<string, string> {
  const o: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) o[flat[i]] = flat[i + 1];
  return o;
}
