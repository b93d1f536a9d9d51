import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDcgmTelemetry } from "../metrics/support.js";
import { redisUnavailableReason, testRedisUrl, uniquePrefix } from "../support/redis.js";
import { runCli } from "./run-cli.js";

const url = testRedisUrl();
if (url === null) console.warn(`skipping explain --redis tests: ${redisUnavailableReason()}`);

describe.skipIf(url === null)("tierfit explain --redis", () => {
  const prefix = uniquePrefix();
  let telemetry: { cleanup(): Promise<void> };

  beforeAll(async () => {
    telemetry = await seedDcgmTelemetry(url!, prefix, "gpu-h100-kata-01", 97);
  });

  afterAll(() => telemetry.cleanup());

  it("scores the busy node down and leaves nodes without telemetry neutral", async () => {
    const r = await runCli(["explain", "--redis", url!, "--prefix", prefix, "--output", "json"]);
    expect(r.code).toBe(0);
    const nodes = JSON.parse(r.stdout).nodes as { name: string; passed: boolean; signals: Record<string, number> }[];
    const live = Object.fromEntries(nodes.filter((n) => n.passed).map((n) => [n.name, n.signals.liveDemand]));
    expect(live["gpu-a100-kata-02"]).toBe(5);
    expect(live["gpu-h100-kata-01"]).toBeLessThan(5);
  });

  it("refuses --demand together with --redis", async () => {
    const r = await runCli(["explain", "--redis", url!, "--demand", "config/examples/demand.json"]);
    expect(r.code).toBe(1); // usage: flags that do not go together
    expect(r.stderr).toContain("give --demand or --redis, not both");
  });

  it("names the URL when Redis cannot be reached", async () => {
    const r = await runCli(["explain", "--redis", "redis://127.0.0.1:1", "--output", "json"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("redis://127.0.0.1:1");
  });
});
