import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Allocation, PodRequest } from "../../src/cluster/types.js";
import { defaultConfig } from "../../src/config/load.js";
import type { TierfitConfig } from "../../src/config/schema.js";
import { startLiveDemand } from "../../src/metrics/live-demand.js";
import { expectedUtilisation } from "../../src/scoring/demand-snapshot.js";
import { podRequest } from "../support/core-builders.js";
import { redisUnavailableReason, testRedisUrl, uniquePrefix } from "../support/redis.js";
import { seedDcgmTelemetry } from "./support.js";

const url = testRedisUrl();
if (url === null) console.warn(`skipping live-demand tests: ${redisUnavailableReason()}`);
const silent = pino({ level: "silent" });

function configWith(prefix: string): TierfitConfig {
  const base = defaultConfig();
  return { ...base, redis: { ...base.redis, keyPrefix: prefix } };
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(url === null)("startLiveDemand against a real Redis", () => {
  const prefix = uniquePrefix();
  let telemetry: { cleanup(): Promise<void> };

  beforeAll(async () => {
    telemetry = await seedDcgmTelemetry(url!, prefix, "gpu-1", 20);
  });

  afterAll(() => telemetry.cleanup());

  it("serves the snapshot from memory and adds a bound pod's load until newer telemetry arrives", async () => {
    const live = startLiveDemand(configWith(prefix), silent, { url: url! });
    try {
      await until(() => live.current().nodes.has("gpu-1"));
      const node = () => live.current().nodes.get("gpu-1")!;
      expect(node().devices.map((d) => d.util)).toEqual([0.2, 0.2, 0.2, 0.2]);
      expect(live.status().connected).toBe(true);
      const before = expectedUtilisation(node()) ?? 0;
      const pod: PodRequest = podRequest({ name: "llm-0", gpuCount: 1 });
      const allocation: Allocation = {
        podKey: pod.key,
        node: "gpu-1",
        tenant: "t",
        sharingTier: 0,
        milliCpu: 0,
        memoryBytes: 0,
        devices: [{ index: 0, units: 20480 * 1000 }],
      };
      live.onPlaced(pod, allocation, Date.now() + 1000);
      expect(expectedUtilisation(node())).toBeGreaterThanOrEqual(before);
      expect(node().pending?.fbMiB).toBe(20480);
    } finally {
      await live.stop();
    }
  });
});

describe("startLiveDemand with Redis unreachable", () => {
  it("answers current() at once with no data and reports the connection down", async () => {
    const live = startLiveDemand(defaultConfig(), silent, { url: "redis://127.0.0.1:1" });
    try {
      // Synchronous: no await, so it cannot be waiting on the dead connection.
      for (let i = 0; i < 1000; i++) expect(live.current().nodes.size).toBe(0);
      await until(() => live.status().lastError !== null);
      expect(live.status().connected).toBe(false);
      expect(live.url).toBe("redis://127.0.0.1:1");
    } finally {
      await live.stop();
    }
  });
});
