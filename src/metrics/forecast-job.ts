/**
 * The forecast job: reads every model's history in one pipeline, forecasts its request rate
 * (src/metrics/forecast picks the method by backtest), sizes the GPUs that load needs when the
 * model has a serving profile, and stores the forecasts in one hash the snapshot reader picks up.
 */
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { DemandConfig, RedisConfig } from "../config/schema.js";
import { demandToGpu, forecastSeries, type ModelProfile } from "./forecast/index.js";
import {
  decodeHistoryEntry,
  encodeForecast,
  type LoadSample,
  type RedisKeys,
  type StoredForecast,
} from "./redis-schema.js";

export interface ForecastJobOptions {
  readonly redis: Redis;
  readonly keys: RedisKeys;
  readonly demand: Pick<DemandConfig, "forecast" | "profiles">;
  readonly redisConfig: Pick<RedisConfig, "historyLength" | "telemetryTtlSeconds">;
  readonly logger: Logger;
  readonly now: () => number;
}

/** Mean tokens per request over the points that report both rates; null when none does. */
function tokensPerRequest(points: readonly LoadSample[], pick: (p: LoadSample) => number | undefined) {
  let tokens = 0;
  let requests = 0;
  for (const p of points) {
    const t = pick(p);
    if (t === undefined || p.rps === undefined) continue;
    tokens += t;
    requests += p.rps;
  }
  return requests > 0 ? tokens / requests : null;
}

/**
 * One model's forecast from its history (oldest first); null when the history is too short to
 * judge. GPU sizing needs a profile and token rates (vLLM); without them those fields are null.
 */
export function forecastModel(
  history: readonly LoadSample[],
  profile: ModelProfile | undefined,
  cfg: DemandConfig["forecast"],
  now: number,
): StoredForecast | null {
  const points = history.flatMap((p) => (p.rps === undefined ? [] : [{ t: p.ts, v: p.rps }]));
  const f = forecastSeries(points, {
    horizonSeconds: cfg.horizonSeconds,
    halfLifeSeconds: cfg.halfLifeSeconds,
    percentile: cfg.percentile,
    seasonSeconds: cfg.seasonSeconds ?? undefined,
  });
  if (f === null) return null;
  const rps = Math.max(0, f.value);
  const context = tokensPerRequest(history, (p) => p.promptTps);
  const generated = tokensPerRequest(history, (p) => p.genTps);
  const need =
    profile && context !== null && generated !== null
      ? demandToGpu({ rps, meanContextTokens: context, meanGeneratedTokens: generated }, profile)
      : null;
  return {
    rps,
    gpuMemoryMiB: need?.gpuMemoryMiB ?? null,
    gpuCompute: need?.gpuCompute ?? null,
    replicas: need?.replicas ?? null,
    method: f.method,
    backtestError: f.backtestError,
    horizonSeconds: cfg.horizonSeconds,
    ts: now,
  };
}

export async function runForecastJob(opts: ForecastJobOptions): Promise<Map<string, StoredForecast>> {
  const { redis, keys } = opts;
  const models = await redis.zrange(keys.modelIndex, 0, -1);
  const p = redis.pipeline();
  for (const m of models) p.xrevrange(keys.history(m), "+", "-", "COUNT", opts.redisConfig.historyLength);
  const res = (await p.exec()) ?? [];
  const now = opts.now();
  const forecasts = new Map<string, StoredForecast>();
  models.forEach((model, i) => {
    const [err, entries] = res[i] ?? [new Error("no reply"), null];
    if (err) throw err;
    const history = (entries as [string, string[]][])
      .map(([, fields]) => decodeHistoryEntry(fields))
      .filter((x): x is LoadSample => x !== null)
      .reverse();
    try {
      const f = forecastModel(history, opts.demand.profiles[model], opts.demand.forecast, now);
      if (f !== null) forecasts.set(model, f);
    } catch (e) {
      opts.logger.warn({ model, err: (e as Error).message }, "forecast failed for a model; it gets none");
    }
  });
  const tx = redis.multi().del(keys.forecasts);
  if (forecasts.size > 0) {
    tx.hset(keys.forecasts, Object.fromEntries([...forecasts].map(([m, f]) => [m, encodeForecast(f)])));
    tx.pexpire(keys.forecasts, opts.redisConfig.telemetryTtlSeconds * 1000);
  }
  const written = await tx.exec();
  const failed = written?.find(([e]) => e !== null);
  if (failed) throw failed[0];
  opts.logger.info({ models: models.length, forecasts: forecasts.size }, "forecasts refreshed");
  return forecasts;
}
