/**
 * Writes one scrape round in a single MULTI: readers see a whole round or none of it. Entries are
 * replaced whole (DEL + HSET), so a field the sources stopped reporting disappears with its old
 * value instead of lingering under a fresh `ts`.
 */
import type { Redis } from "ioredis";
import type { RedisConfig } from "../../config/schema.js";
import {
  encodeHistoryPoint,
  encodeModelSample,
  encodeNodeSample,
  type ModelSample,
  type NodeSample,
  type RedisKeys,
} from "../redis-schema.js";

export interface RoundData {
  readonly at: number;
  readonly nodes: readonly NodeSample[];
  readonly models: readonly ModelSample[];
  /** Models whose load also goes into their history this round. */
  readonly historyModels: ReadonlySet<string>;
}

export type RoundWriteConfig = Pick<RedisConfig, "telemetryTtlSeconds" | "historyTtlSeconds" | "historyLength">;

export async function writeRound(redis: Redis, keys: RedisKeys, round: RoundData, cfg: RoundWriteConfig) {
  const ttlMs = cfg.telemetryTtlSeconds * 1000;
  const tx = redis.multi();
  for (const n of round.nodes) {
    const key = keys.gpu(n.node);
    tx.del(key).hset(key, encodeNodeSample(n)).pexpire(key, ttlMs).zadd(keys.nodeIndex, n.ts, n.node);
  }
  for (const m of round.models) {
    const key = keys.model(m.model);
    tx.del(key).hset(key, encodeModelSample(m)).pexpire(key, ttlMs).zadd(keys.modelIndex, m.ts, m.model);
    if (round.historyModels.has(m.model)) {
      const hist = keys.history(m.model);
      tx.xadd(hist, "MAXLEN", "~", cfg.historyLength, "*", ...encodeHistoryPoint(m));
      tx.expire(hist, cfg.historyTtlSeconds);
    }
  }
  // Index entries outlive their hashes by at most one TTL; the indexes expire with the bridge.
  for (const index of [keys.nodeIndex, keys.modelIndex]) {
    tx.zremrangebyscore(index, "-inf", round.at - ttlMs).pexpire(index, ttlMs);
  }
  const results = await tx.exec();
  const failed = results?.find(([err]) => err !== null);
  if (results === null) throw new Error("the MULTI was aborted");
  if (failed) throw failed[0];
}
