/**
 * `tierfit explain --redis`: live GPU telemetry scraped by the bridge into a real Redis changes
 * the liveDemand score exactly where the cluster is busy; nodes without data stay neutral.
 */
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/config/load.js";
import { Bridge } from "../../src/metrics/bridge/bridge.js";
import { buildTargets } from "../../src/metrics/bridge/targets.js";
import { redisKeys } from "../../src/metrics/redis-schema.js";
import { dcgmUtilPage, deleteKeys, serveRoutes } from "../metrics/support.js";
import { redisUnavailableReason, testRedisUrl, uniquePrefix } from "../support/redis.js";
import { runCli } from "./run-cli.js";

const url = testRedisUrl();
if (url === null) console.warn(`skipping explain --redis tests: ${redisUnavailableReason()}`);

describe.skipIf(url === null)("tierfit explain --redis", () => {
  const prefix = uniquePrefix();
  let redis: Redis;
  let server: Awaited<ReturnType<typeof serveRoutes>>;

  beforeAll(async () => {
    redis = new Redis(url!);
    server = await serveRoutes({ "/dcgm": () => dcgmUtilPage("gpu-h100-kata-01", 97) });
    const bridge = new Bridge({
      targets: buildTargets([`${server.url}/dcgm`], []),
      redis,
      keys: redisKeys(prefix),
      config: defaultConfig().redis,
      logger: pino({ level: "silent" }),
      scrapeTimeoutMs: 2000,
    });
    await bridge.runRound();
  });

  afterAll(async () => {
    await deleteKeys(redis, prefix);
    redis.disconnect();
    await server.close();
  });

  it("scores the busy node down and leaves nodes without telemetry neutral", async () => {
    const r = await runCli(["explain", "--redis", url!, "--prefix", prefix, "--output", "json"]);
    expect(r.code).toBe(0);
    const nodes = JSON.parse(r.stdout).nodes as { name: string; passed: boolean; signals: Record<string, number> }[];
    const live = Object.fromEntries(nodes.filter((n) => n.passed).map((n) => [n.name, n.signals.liveDemand]));
    expect(live["gpu-a100-kata-02"]).toBe(5);
    expect(live["gpu-h100-kata-01"]).toBeLessThan(1);
  });

  it("refuses --demand together with --redis", async () => {
    const r = await runCli(["explain", "--redis", url!, "--demand", "config/examples/demand.json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("give --demand or --redis, not both");
  });

  it("names the URL when Redis cannot be reached", async () => {
    const r = await runCli(["explain", "--redis", "redis://127.0.0.1:1", "--output", "json"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("redis://127.0.0.1:1");
  });
});
