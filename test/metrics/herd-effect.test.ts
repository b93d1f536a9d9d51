/**
 * Herd effect: placements raise a node's expected load in the snapshot at once, and each one
 * stops counting when a sample taken after it arrives from Redis.
 */
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeRound } from "../../src/metrics/bridge/write-round.js";
import { type RedisKeys, redisKeys } from "../../src/metrics/redis-schema.js";
import { SnapshotReader } from "../../src/metrics/snapshot-reader.js";
import { expectedUtilisation } from "../../src/scoring/demand-snapshot.js";
import { redisUnavailableReason, testRedisUrl, uniquePrefix } from "../support/redis.js";
import { captureLogger, deleteKeys } from "./support.js";

const url = testRedisUrl();
if (url === null) console.warn(`skipping herd-effect tests: ${redisUnavailableReason()}`);

const WRITE_CONFIG = { telemetryTtlSeconds: 600, historyTtlSeconds: 600, historyLength: 10 };

function device(index: number, util: number) {
  return {
    index,
    uuid: `GPU-${index}`,
    product: null,
    fbUsedMiB: 8000,
    fbFreeMiB: 72000,
    fbReservedMiB: null,
    fbTotalMiB: 80000,
    util,
    pods: [],
  };
}

describe.skipIf(url === null)("expected load of recent placements", () => {
  let redis: Redis;
  let keys: RedisKeys;
  let clock: number;
  let reader: SnapshotReader;

  beforeEach(() => {
    redis = new Redis(url!);
    keys = redisKeys(uniquePrefix());
    clock = Date.now();
    reader = new SnapshotReader({
      redis,
      keys,
      staleAfterSeconds: 60,
      logger: captureLogger().logger,
      now: () => clock,
    });
  });

  afterEach(async () => {
    await deleteKeys(redis, keys.prefix);
    redis.disconnect();
  });

  async function sampleAt(ts: number, utils: number[]) {
    const nodes = [{ node: "gpu-a", ts, devices: utils.map((u, i) => device(i, u)) }];
    await writeRound(redis, keys, { at: ts, nodes, models: [], historyModels: new Set() }, WRITE_CONFIG);
  }

  it("adds placements until a newer sample arrives", async () => {
    const t0 = clock;
    await sampleAt(t0, [0.2, 0.2]);
    clock = t0 + 1000;
    await reader.refresh();
    expect(expectedUtilisation(reader.current().nodes.get("gpu-a")!)).toBeCloseTo(0.2, 10);

    reader.notePlacement("gpu-a", "llama", { fbMiB: 20_000, util: 0.5 }, t0 + 2000);
    let node = reader.current().nodes.get("gpu-a")!;
    expect(node.pending).toEqual({ placements: 1, fbMiB: 20_000, util: 0.5, models: ["llama"] });
    expect(expectedUtilisation(node)).toBeCloseTo(0.45, 10); // (0.2 + 0.2 + 0.5) / 2 GPUs

    reader.notePlacement("gpu-a", "mistral", { fbMiB: 10_000, util: 0.3 }, t0 + 4000);
    clock = t0 + 5000;
    await reader.refresh(); // no new sample yet: both still count
    node = reader.current().nodes.get("gpu-a")!;
    expect(node.pending).toEqual({ placements: 2, fbMiB: 30_000, util: 0.8, models: ["llama", "mistral"] });
    expect(expectedUtilisation(node)).toBeCloseTo(0.6, 10);

    // A sample taken between the two placements shows the first one; the second still counts.
    await sampleAt(t0 + 3000, [0.45, 0.2]);
    clock = t0 + 6000;
    await reader.refresh();
    node = reader.current().nodes.get("gpu-a")!;
    expect(node.pending).toEqual({ placements: 1, fbMiB: 10_000, util: 0.3, models: ["mistral"] });
    expect(expectedUtilisation(node)).toBeCloseTo((0.45 + 0.2 + 0.3) / 2, 10);

    await sampleAt(t0 + 7000, [0.45, 0.5]);
    clock = t0 + 8000;
    await reader.refresh();
    node = reader.current().nodes.get("gpu-a")!;
    expect(node.pending).toBeNull();
    expect(expectedUtilisation(node)).toBeCloseTo(0.475, 10);
  });

  it("drops a placement the metrics never show after the maximum age", async () => {
    const t0 = clock;
    await sampleAt(t0, [0.1]);
    await reader.refresh();
    reader.notePlacement("gpu-a", null, { fbMiB: 4000, util: 0.25 }, t0 + 1000);
    clock = t0 + 1000 + 299_000;
    await reader.refresh();
    expect(reader.current().nodes.get("gpu-a")!.pending?.placements).toBe(1);
    clock = t0 + 1000 + 301_000;
    await reader.refresh();
    expect(reader.current().nodes.get("gpu-a")!.pending).toBeNull();
  });
});
