/**
 * The snapshot reader's incremental refresh: entries whose `ts` did not move are neither fetched
 * nor rebuilt, rewritten ones are, and entries that left the index leave the snapshot.
 */
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeRound } from "../../src/metrics/bridge/write-round.js";
import { countCommands } from "../../src/metrics/redis-client.js";
import { type NodeSample, type RedisKeys, redisKeys } from "../../src/metrics/redis-schema.js";
import { SCRIPT_BATCH } from "../../src/metrics/redis-scripts.js";
import { SnapshotReader } from "../../src/metrics/snapshot-reader.js";
import { redisUnavailableReason, testRedisUrl, uniquePrefix } from "../support/redis.js";
import { captureLogger, deleteKeys } from "./support.js";

const url = testRedisUrl();
if (url === null) console.warn(`skipping snapshot-reader tests: ${redisUnavailableReason()}`);

const WRITE_CONFIG = { telemetryTtlSeconds: 600, historyTtlSeconds: 600, historyLength: 10 };

function node(name: string, ts: number, util: number): NodeSample {
  return {
    node: name,
    ts,
    devices: [
      {
        index: 0,
        uuid: `GPU-${name}`,
        product: null,
        fbUsedMiB: 100,
        fbFreeMiB: 900,
        fbReservedMiB: null,
        fbTotalMiB: 1000,
        util,
        pods: [],
      },
    ],
  };
}

describe.skipIf(url === null)("snapshot reader refresh", () => {
  /** The reader's connection; writes go through `writer` so they are not counted as the reader's. */
  let redis: Redis;
  let writer: Redis;
  let keys: RedisKeys;
  let clock: number;

  beforeEach(() => {
    redis = new Redis(url!);
    writer = new Redis(url!);
    keys = redisKeys(uniquePrefix());
    clock = Date.now();
  });

  afterEach(async () => {
    await deleteKeys(writer, keys.prefix);
    redis.disconnect();
    writer.disconnect();
  });

  async function write(nodes: NodeSample[], models: { model: string; ts: number; rps: number }[] = []) {
    await writeRound(
      writer,
      keys,
      {
        at: clock,
        nodes,
        models: models.map((m) => ({ ...m, servers: 1, nodes: new Map() })),
        historyModels: new Set(),
      },
      WRITE_CONFIG,
    );
  }

  it("fetches and rebuilds only what changed since the last refresh", async () => {
    const t0 = clock;
    await write([node("a", t0, 0.1), node("b", t0, 0.2)], [{ model: "m", ts: t0, rps: 3 }]);
    const reader = new SnapshotReader({
      redis,
      keys,
      staleAfterSeconds: 60,
      logger: captureLogger().logger,
      now: () => clock,
    });
    await reader.refresh(); // first read: everything (and the scripts get loaded into Redis)
    const first = reader.current();
    const counter = countCommands(redis);

    clock = t0 + 1000;
    await reader.refresh();
    const second = reader.current();
    expect(counter.count).toBe(3); // nothing moved: the index pipeline (2 × ZRANGE, HGETALL) only
    expect(second).not.toBe(first);
    expect(second.nodes.get("a")).toBe(first.nodes.get("a"));
    expect(second.models.get("m")).toBe(first.models.get("m"));

    await write([node("a", t0 + 2000, 0.7)]);
    clock = t0 + 3000;
    await reader.refresh();
    const third = reader.current();
    expect(counter.count).toBe(3 + 4); // the index pipeline + the node script, for "a" alone
    expect(third.nodes.get("a")?.devices[0].util).toBe(0.7);
    expect(third.nodes.get("a")?.ts).toBe(t0 + 2000);
    expect(third.nodes.get("b")).toBe(first.nodes.get("b"));
    expect(third.models.get("m")?.rps).toBe(3);
  });

  it("reads more entries than one script batch holds, in key order", async () => {
    const count = SCRIPT_BATCH * 2 + 7;
    await write(Array.from({ length: count }, (_, i) => node(`n${i}`, clock, (i % 100) / 100)));
    const reader = new SnapshotReader({ redis, keys, staleAfterSeconds: 60, logger: captureLogger().logger });
    await reader.refresh();
    const nodes = reader.current().nodes;
    expect(nodes.size).toBe(count);
    for (const i of [0, 999, 1000, 1001, 2006]) expect(nodes.get(`n${i}`)?.devices[0].util).toBe((i % 100) / 100);
  });

  it("drops entries that left the index and skips unreadable ones", async () => {
    const t0 = clock;
    await write([node("a", t0, 0.1), node("b", t0, 0.2), node("c", t0, 0.3)]);
    const reader = new SnapshotReader({
      redis,
      keys,
      staleAfterSeconds: 60,
      logger: captureLogger().logger,
      now: () => clock,
    });
    await reader.refresh();
    expect([...reader.current().nodes.keys()].sort()).toEqual(["a", "b", "c"]);

    // b expired and the writer trimmed it from the index; c's compact row was corrupted and rewritten.
    await writer.del(keys.gpu("b"));
    await writer.zrem(keys.nodeIndex, "b");
    await writer.hset(keys.gpu("c"), { ts: String(t0 + 500), devices: "{not json" });
    await writer.zadd(keys.nodeIndex, t0 + 500, "c");
    clock = t0 + 1000;
    expect(await reader.refresh()).toBe(true);
    expect([...reader.current().nodes.keys()]).toEqual(["a"]);
  });
});
