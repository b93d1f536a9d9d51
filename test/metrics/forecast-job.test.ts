/**
 * The forecast job against a real Redis: it reads each model's history stream, forecasts the
 * request rate, sizes GPUs where a profile exists, and the snapshot reader serves the result.
 */
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { writeRound } from "../../src/metrics/bridge/write-round.js";
import { demandToGpu } from "../../src/metrics/forecast/index.js";
import { runForecastJob } from "../../src/metrics/forecast-job.js";
import { encodeHistoryPoint, type RedisKeys, redisKeys } from "../../src/metrics/redis-schema.js";
import { SnapshotReader } from "../../src/metrics/snapshot-reader.js";
import { redisUnavailableReason, testRedisUrl, uniquePrefix } from "../support/redis.js";
import { captureLogger, deleteKeys } from "./support.js";

const url = testRedisUrl();
if (url === null) console.warn(`skipping forecast-job tests: ${redisUnavailableReason()}`);

const PROFILE = {
  weightsMiB: 16_000,
  kvCacheMiBPerToken: 0.125,
  maxTokensPerSecondPerGpu: 2500,
  maxConcurrentPerReplica: 64,
  gpuMemoryMiB: 81_920,
};

describe.skipIf(url === null)("forecast job", () => {
  let redis: Redis;
  let keys: RedisKeys;
  const now = Date.now();

  beforeEach(() => {
    redis = new Redis(url!);
    keys = redisKeys(uniquePrefix());
  });

  afterEach(async () => {
    await deleteKeys(redis, keys.prefix);
    redis.disconnect();
  });

  /** `points` history points one minute apart ending now, at `rps` with 500 prompt and 200 generated tokens each. */
  async function history(model: string, points: number, rps: number) {
    await writeRound(
      redis,
      keys,
      { at: now, nodes: [], models: [{ model, ts: now, servers: 1, rps, nodes: new Map() }], historyModels: new Set() },
      { telemetryTtlSeconds: 600, historyTtlSeconds: 600, historyLength: 100 },
    );
    const tx = redis.multi();
    for (let i = points - 1; i >= 0; i--) {
      const ts = now - i * 60_000;
      tx.xadd(
        keys.history(model),
        "*",
        ...encodeHistoryPoint({ ts, servers: 1, rps, promptTps: rps * 500, genTps: rps * 200 }),
      );
    }
    await tx.exec();
  }

  it("forecasts each model's rate, sizes GPUs from its profile, and the reader serves it", async () => {
    await history("llama", 60, 10);
    await history("no-profile", 60, 4);
    await history("too-new", 3, 7);
    const config = configSchema.parse({ tiers: [{ name: "shared" }], demand: { profiles: { llama: PROFILE } } });
    const forecasts = await runForecastJob({
      redis,
      keys,
      demand: config.demand,
      redisConfig: config.redis,
      logger: captureLogger().logger,
      now: () => now,
    });
    expect([...forecasts.keys()].sort()).toEqual(["llama", "no-profile"]);

    const need = demandToGpu({ rps: 10, meanContextTokens: 500, meanGeneratedTokens: 200 }, PROFILE);
    const llama = forecasts.get("llama")!;
    expect(llama.rps).toBeCloseTo(10, 6);
    expect(llama.replicas).toBe(1);
    expect(llama.gpuCompute).toBeCloseTo(0.8, 6); // 10 rps × 200 tokens / 2500 tokens/s
    expect(llama.gpuMemoryMiB).toBeCloseTo(need.gpuMemoryMiB, 3);
    expect(llama).toMatchObject({ horizonSeconds: 900, ts: now, method: "ewma" });
    expect(forecasts.get("no-profile")).toMatchObject({ gpuMemoryMiB: null, gpuCompute: null, replicas: null });
    expect(forecasts.get("no-profile")!.rps).toBeCloseTo(4, 6);
    expect(await redis.pttl(keys.forecasts)).toBeGreaterThan(0);

    const reader = new SnapshotReader({
      redis,
      keys,
      staleAfterSeconds: 60,
      logger: captureLogger().logger,
      now: () => now,
    });
    await reader.refresh();
    expect(reader.current().models.get("llama")?.forecast?.replicas).toBe(1);
    expect(reader.current().models.get("too-new")?.forecast).toBeNull();
  });
});
