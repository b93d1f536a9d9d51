/** Capacity reports in Redis: `report:latest` plus a capped list of earlier ones, newest first. */
import type { Redis } from "ioredis";
import type { RedisConfig } from "../config/schema.js";
import type { CapacityReport } from "./capacity-report.js";
import type { RedisKeys } from "./redis-schema.js";

export async function saveReport(
  redis: Redis,
  keys: RedisKeys,
  report: CapacityReport,
  cfg: Pick<RedisConfig, "reportHistoryLength" | "reportTtlSeconds">,
): Promise<void> {
  const json = JSON.stringify(report);
  const ttlMs = cfg.reportTtlSeconds * 1000;
  const res = await redis
    .multi()
    .set(keys.reportLatest, json, "PX", ttlMs)
    .lpush(keys.reportHistory, json)
    .ltrim(keys.reportHistory, 0, cfg.reportHistoryLength - 1)
    .pexpire(keys.reportHistory, ttlMs)
    .exec();
  const failed = res?.find(([err]) => err !== null);
  if (failed) throw failed[0];
}

/** The latest report, or null when none was stored (or it expired). */
export async function loadLatestReport(redis: Redis, keys: RedisKeys): Promise<CapacityReport | null> {
  const json = await redis.get(keys.reportLatest);
  return json === null ? null : (JSON.parse(json) as CapacityReport);
}
