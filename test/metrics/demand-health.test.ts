/**
 * Live-demand health tells the truth: against a throwaway redis-server that is frozen (SIGSTOP,
 * its connection stays open), `tierfit_demand_redis_connected` drops to 0 and the snapshot age is
 * that of the last read that succeeded, growing through the outage; a normal start logs no error.
 */
import type { ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/config/load.js";
import { createRuntime } from "../../src/extender/runtime.js";
import { startLiveDemand } from "../../src/metrics/live-demand.js";
import { createRedisClient, waitUntilReady } from "../../src/metrics/redis-client.js";
import { redisKeys } from "../../src/metrics/redis-schema.js";
import { SnapshotReader } from "../../src/metrics/snapshot-reader.js";
import { collectingLogger, waitFor } from "../extender/kube/support.js";
import { freePort, startRedisServer, waitForPort } from "../setup/redis.js";
import { uniquePrefix } from "../support/redis.js";

let server: ChildProcess | undefined;
afterEach(() => {
  server?.kill("SIGCONT");
  server?.kill("SIGTERM");
  server = undefined;
});

async function throwawayRedis(): Promise<string> {
  const port = await freePort();
  server = startRedisServer(port);
  await waitForPort(port);
  return `redis://127.0.0.1:${port}`;
}

/** One sample's value from the text exposition format. */
function sample(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`no sample ${name} in:\n${text}`);
  return Number(line.slice(name.length + 1));
}

describe("live-demand health", () => {
  it("shows a frozen Redis as disconnected, with the snapshot age growing from the last good read", async () => {
    const url = await throwawayRedis();
    const redis = createRedisClient(url, { connectTimeoutMs: 1000, commandTimeoutMs: 300 });
    await waitUntilReady(redis, url, 5000);
    let clock = 1_800_000_000_000;
    const { logger, lines } = collectingLogger();
    const reader = new SnapshotReader({
      redis,
      keys: redisKeys(uniquePrefix()),
      staleAfterSeconds: 60,
      logger,
      now: () => clock,
    });
    const config = defaultConfig();
    const rt = createRuntime({
      config: () => config,
      demand: () => reader.current(),
      demandStatus: () => reader.status(),
      now: () => clock,
      kube: null,
      logger,
    });
    const scrape = async () => {
      const text = await rt.metrics.registry.metrics();
      return {
        connected: sample(text, "tierfit_demand_redis_connected"),
        age: sample(text, "tierfit_demand_snapshot_age_seconds"),
      };
    };
    try {
      expect(await reader.refresh()).toBe(true);
      clock += 2000;
      expect(await scrape()).toEqual({ connected: 1, age: 2 });

      server?.kill("SIGSTOP");
      clock += 30_000;
      expect(await reader.refresh()).toBe(false);
      expect(redis.status).toBe("ready"); // the socket is still open: only commands tell
      expect(await scrape()).toEqual({ connected: 0, age: 32 });
      clock += 30_000;
      expect(await reader.refresh()).toBe(false);
      expect(await scrape()).toEqual({ connected: 0, age: 62 });
      expect(lines.filter((l) => l.level === 50).map((l) => l.msg)).toEqual([
        "live demand refresh failed; serving the last snapshot",
      ]);

      server?.kill("SIGCONT");
      expect(await reader.refresh()).toBe(true);
      expect(await scrape()).toEqual({ connected: 1, age: 0 });
    } finally {
      redis.disconnect();
    }
  });

  it("logs no error on a normal start", async () => {
    const url = await throwawayRedis();
    const { logger, lines } = collectingLogger();
    const config = defaultConfig();
    const live = startLiveDemand(config, logger, { url });
    try {
      await waitFor("the first refresh", () => live.status().lastRefreshAt !== null);
      expect(live.status()).toMatchObject({ connected: true, lastError: null });
      expect(lines.filter((l) => l.level >= 40)).toEqual([]);
    } finally {
      await live.stop();
    }
  });
});
