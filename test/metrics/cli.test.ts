/** `tierfit bridge`, `tierfit demand show` and `tierfit report`, run in-process against a real Redis. */
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CapacityReport } from "../../src/metrics/capacity-report.js";
import { redisKeys } from "../../src/metrics/redis-schema.js";
import { saveReport } from "../../src/metrics/report-store.js";
import { runCli, STACK_LINE } from "../cli/run-cli.js";
import { freePort } from "../setup/redis.js";
import { redisUnavailableReason, testRedisUrl, uniquePrefix } from "../support/redis.js";
import { deleteKeys, fixture, serveRoutes } from "./support.js";

const url = testRedisUrl();
if (url === null) console.warn(`skipping live-demand CLI tests: ${redisUnavailableReason()}`);

describe("live-demand commands without Redis", () => {
  it.each([["demand", "show"], ["report"], ["bridge", "--once", "--scrape", "http://127.0.0.1:9/metrics"]])(
    "`%s` says which Redis is unreachable, with no stack trace",
    async (...args) => {
      const dead = `redis://127.0.0.1:${await freePort()}`;
      const r = await runCli([...args, "--redis", dead]);
      expect(r.code).toBe(4);
      expect(r.stderr).toContain(`tierfit: Redis at ${dead} is unreachable`);
      expect(r.stderr).not.toMatch(STACK_LINE);
    },
  );

  it("describes every option in --help", async () => {
    for (const cmd of [["bridge"], ["demand", "show"], ["report"]]) {
      const r = await runCli([...cmd, "--help"]);
      expect(r.code).toBe(0);
      for (const line of r.stdout.split("\n").filter((l) => /^\s+-/.test(l))) {
        expect(line.trim().split(/\s{2,}/).length, `${cmd.join(" ")}: ${line}`).toBeGreaterThan(1);
      }
    }
  });

  it("rejects a --node mapping that names no scraped URL", async () => {
    const r = await runCli(["bridge", "--once", "--scrape", "http://a:1/metrics", "--node", "http://b:1/metrics=n1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--node names http://b:1/metrics, which is not a --scrape URL");
  });
});

describe.skipIf(url === null)("live-demand commands with Redis", () => {
  let redis: Redis;
  let prefix: string;
  let server: Awaited<ReturnType<typeof serveRoutes>>;

  beforeEach(async () => {
    redis = new Redis(url!);
    prefix = uniquePrefix();
    server = await serveRoutes({ "/dcgm": () => fixture("dcgm-exporter.prom"), "/vllm": () => fixture("vllm.prom") });
  });

  afterEach(async () => {
    await deleteKeys(redis, prefix);
    redis.disconnect();
    await server.close();
  });

  it("bridge --once writes a round that demand show then prints", async () => {
    const vllm = `${server.url}/vllm`;
    const b = await runCli([
      "bridge",
      "--once",
      "--scrape",
      `${server.url}/dcgm`,
      vllm,
      "--node",
      `${vllm}=gpu-node-1`,
      "--redis",
      url!,
      "--prefix",
      prefix,
      "--log-level",
      "error",
    ]);
    expect(b.stderr).toBe("");
    expect(b.code).toBe(0);
    expect(b.stdout).toContain("scraped 2 of 2 targets; wrote 1 node(s) and 1 model(s)");

    const table = await runCli(["demand", "show", "--redis", url!, "--prefix", prefix]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      /gpu-node-1\s+0\s+GPU-8a3f52c1-4b9e-7d20-91c3-5e6f7a8b9c0d\s+39\.2 GiB\s+80 GiB\s+87%/,
    );
    expect(table.stdout).toMatch(/meta-llama\/Llama-3\.1-8B-Instruct\s+1\s+12\s+3\s+42%\s+-/);

    const json = await runCli(["demand", "show", "--redis", url!, "--prefix", prefix, "-o", "json"]);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.nodes["gpu-node-1"]).toMatchObject({ stale: false, pending: null });
    expect(parsed.nodes["gpu-node-1"].ageSeconds).toBeGreaterThanOrEqual(0);
    expect(parsed.models["meta-llama/Llama-3.1-8B-Instruct"]).toMatchObject({ running: 12, rps: null, stale: false });
    expect(parsed.models["meta-llama/Llama-3.1-8B-Instruct"].nodes["gpu-node-1"]).toMatchObject({ waiting: 3 });
  });

  it("report prints the latest stored report, or says there is none", async () => {
    const none = await runCli(["report", "--redis", url!, "--prefix", prefix]);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain("No capacity report");

    const stored: CapacityReport = {
      takenAt: Date.UTC(2026, 0, 5, 12, 0, 0),
      windowSeconds: 3600,
      tiers: [
        {
          tier: "shared-kernel",
          devices: 8,
          allocatedDevices: 6,
          allocatedGpus: 5.5,
          allocatedMiB: 240 * 1024,
          measuredDevices: 6,
          usedMiB: 97 * 1024,
          usedGpus: 2.25,
        },
      ],
      nodes: [],
      idleDevices: [],
      rightSizing: [
        {
          model: "X",
          replicas: 4,
          heldMiB: 160 * 1024,
          peakUsedMiB: 61 * 1024,
          observedSeconds: 3600,
          suggestedReplicas: 2,
          forecastReplicas: null,
          message: "model X: 4 replicas hold 160 GiB, peak use 61 GiB over 1 h → 2 replicas",
        },
      ],
    };
    await saveReport(redis, redisKeys(prefix), stored, { reportHistoryLength: 10, reportTtlSeconds: 60 });
    const table = await runCli(["report", "--redis", url!, "--prefix", prefix]);
    expect(table.stdout).toMatch(/shared-kernel\s+6\/8\s+5\.50\s+2\.25\s+240 GiB\s+97 GiB\s+6\/6/);
    expect(table.stdout).toContain("  model X: 4 replicas hold 160 GiB, peak use 61 GiB over 1 h → 2 replicas");
    const json = await runCli(["report", "--redis", url!, "--prefix", prefix, "--output", "json"]);
    expect(JSON.parse(json.stdout)).toEqual(stored);
  });
});
