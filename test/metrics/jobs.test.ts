/** Background jobs: no overlap with themselves, clean stop, cron wiring, report stored in Redis. */
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { TierfitError } from "../../src/errors.js";
import type { CapacityReport } from "../../src/metrics/capacity-report.js";
import { ExclusiveJob } from "../../src/metrics/exclusive-job.js";
import { startDemandJobs } from "../../src/metrics/jobs.js";
import { type RedisKeys, redisKeys } from "../../src/metrics/redis-schema.js";
import { loadLatestReport } from "../../src/metrics/report-store.js";
import { SnapshotReader } from "../../src/metrics/snapshot-reader.js";
import { redisUnavailableReason, testRedisUrl, uniquePrefix } from "../support/redis.js";
import { captureLogger, deleteKeys } from "./support.js";

const url = testRedisUrl();
if (url === null) console.warn(`skipping jobs tests: ${redisUnavailableReason()}`);

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

describe("exclusive job", () => {
  it("skips a tick while the previous run is going, and idle() waits for it", async () => {
    const g = gate();
    let runs = 0;
    const job = new ExclusiveJob(
      "slow",
      async () => {
        runs++;
        await g.opened;
      },
      captureLogger().logger,
    );
    const first = job.run();
    void job.run();
    void job.run();
    expect(runs).toBe(1);
    expect(job.skipped).toBe(2);
    let idle = false;
    const waiting = job.idle().then(() => {
      idle = true;
    });
    await Promise.resolve();
    expect(idle).toBe(false);
    g.open();
    await first;
    await waiting;
    expect(job.completed).toBe(1);
    await job.run();
    expect(runs).toBe(2);
  });

  it("logs a failure instead of throwing at the scheduler", async () => {
    const { logger, lines } = captureLogger();
    const job = new ExclusiveJob(
      "broken",
      async () => {
        throw new Error("boom");
      },
      logger,
    );
    await job.run();
    expect(lines.find((l) => l.msg === "background job failed")).toMatchObject({ job: "broken", err: "boom" });
  });
});

describe.skipIf(url === null)("demand jobs on cron schedules", () => {
  let redis: Redis;
  let keys: RedisKeys;

  beforeEach(() => {
    redis = new Redis(url!);
    keys = redisKeys(uniquePrefix());
  });

  afterEach(async () => {
    await deleteKeys(redis, keys.prefix);
    redis.disconnect();
  });

  function config(cron: Partial<Record<"refreshCron" | "forecastCron" | "reportCron", string>>) {
    return configSchema.parse({ tiers: [{ name: "shared" }], redis: { keyPrefix: keys.prefix, ...cron } });
  }

  it("rejects an invalid cron expression with a config error", () => {
    const reader = new SnapshotReader({ redis, keys, staleAfterSeconds: 60, logger: captureLogger().logger });
    expect(() =>
      startDemandJobs({
        reader,
        redis,
        keys,
        config: config({ refreshCron: "every minute" }),
        logger: captureLogger().logger,
      }),
    ).toThrow(TierfitError);
  });

  it("refreshes on its schedule, stores the report, and stops cleanly", async () => {
    const { logger } = captureLogger();
    const reader = new SnapshotReader({ redis, keys, staleAfterSeconds: 60, logger });
    const ledger = { nodes: () => [] };
    const jobs = startDemandJobs({
      reader,
      redis,
      keys,
      config: config({ refreshCron: "* * * * * *", forecastCron: "0 0 1 1 *", reportCron: "0 0 1 1 *" }),
      logger,
      ledger,
    });
    try {
      for (let i = 0; i < 200 && jobs.job("refresh").completed === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(jobs.job("refresh").completed).toBeGreaterThan(0);
      expect(reader.status().lastRefreshAt).not.toBeNull();

      await jobs.run("report");
      const stored = (await loadLatestReport(redis, keys)) as CapacityReport;
      expect(stored).toEqual(jobs.lastReport());
      expect(stored.tiers).toEqual([]);
      expect(await redis.llen(keys.reportHistory)).toBe(1);
    } finally {
      await jobs.stop();
    }
    const after = jobs.job("refresh").completed;
    await new Promise((r) => setTimeout(r, 1200));
    expect(jobs.job("refresh").completed).toBe(after);
  });
});
