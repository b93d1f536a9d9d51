/**
 * Fault test: a Redis of our own is killed mid-run and restarted on the same port. current()
 * keeps answering from memory without touching Redis, entries turn stale after the window, and
 * the reader reconnects and clears the staleness once data returns.
 */
import { type ChildProcess, spawnSync } from "node:child_process";
import type { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { writeRound } from "../../src/metrics/bridge/write-round.js";
import { createRedisClient } from "../../src/metrics/redis-client.js";
import { redisKeys } from "../../src/metrics/redis-schema.js";
import { SnapshotReader } from "../../src/metrics/snapshot-reader.js";
import { freePort, startRedisServer, waitForPort } from "../setup/redis.js";
import { captureLogger } from "./support.js";

const hasRedisServer = !spawnSync("redis-server", ["--version"]).error;
if (!hasRedisServer) console.warn("skipping the Redis fault test: no redis-server on PATH to start and kill");

const KEYS = redisKeys("tierfit-fault:");
const WRITE_CONFIG = { telemetryTtlSeconds: 600, historyTtlSeconds: 600, historyLength: 10 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function sample(ts: number) {
  return {
    at: ts,
    nodes: [
      {
        node: "n1",
        ts,
        devices: [
          {
            index: 0,
            uuid: "GPU-a",
            product: null,
            fbUsedMiB: 1000,
            fbFreeMiB: 15000,
            fbReservedMiB: null,
            fbTotalMiB: 16000,
            util: 0.3,
            pods: [],
          },
        ],
      },
    ],
    models: [{ model: "m1", ts, servers: 1, running: 4, nodes: new Map() }],
    historyModels: new Set<string>(),
  };
}

describe.skipIf(!hasRedisServer)("snapshot reader when Redis dies and comes back", () => {
  const processes: ChildProcess[] = [];
  let client: Redis | undefined;

  afterAll(() => {
    client?.disconnect();
    for (const p of processes) p.kill("SIGKILL");
  });

  it("serves from memory, marks entries stale after the window, reconnects and recovers", async () => {
    const port = await freePort();
    processes.push(startRedisServer(port));
    await waitForPort(port);
    const url = `redis://127.0.0.1:${port}`;
    client = createRedisClient(url, { connectTimeoutMs: 500, commandTimeoutMs: 500, maxBackoffMs: 100 });
    const { logger, lines } = captureLogger();
    const reader = new SnapshotReader({ redis: client, keys: KEYS, staleAfterSeconds: 1, logger });
    await until("the first connection", () => client!.status === "ready");

    await writeRound(client, KEYS, sample(Date.now()), WRITE_CONFIG);
    expect(await reader.refresh()).toBe(true);
    expect(reader.current().nodes.get("n1")?.stale).toBe(false);
    expect(reader.current().models.get("m1")?.running).toBe(4);

    processes[0].kill("SIGKILL");
    await until("the client to notice", () => client!.status !== "ready");

    // While a refresh against the dead Redis is under way, current() answers from memory.
    let refreshSettled = false;
    const failing = reader.refresh().then((ok) => {
      refreshSettled = true;
      return ok;
    });
    for (let i = 0; i < 1000; i++) {
      const snap = reader.current();
      expect(snap).not.toBeInstanceOf(Promise);
      expect(snap.nodes.get("n1")?.devices[0].fbUsedMiB).toBe(1000);
    }
    expect(refreshSettled).toBe(false);
    expect(await failing).toBe(false);
    expect(reader.status()).toMatchObject({ connected: false, redisCallsFromCurrent: 0 });
    expect(reader.status().lastError).not.toBeNull();

    // Past the 1 s window the same data is served, now marked stale; the transition is logged once.
    await sleep(1200);
    expect(await reader.refresh()).toBe(false);
    expect(await reader.refresh()).toBe(false);
    expect(reader.current().nodes.get("n1")?.stale).toBe(true);
    expect(reader.current().models.get("m1")?.stale).toBe(true);
    expect(reader.status()).toMatchObject({ staleNodes: 1, staleModels: 1 });
    expect(lines.filter((l) => l.msg.includes("node went stale"))).toHaveLength(1);
    expect(lines.filter((l) => l.msg.startsWith("live demand refresh failed"))).toHaveLength(1);

    processes.push(startRedisServer(port));
    await until("the reader's client to reconnect", () => client!.status === "ready");
    await writeRound(client, KEYS, sample(Date.now()), WRITE_CONFIG);
    expect(await reader.refresh()).toBe(true);
    expect(reader.current().nodes.get("n1")?.stale).toBe(false);
    expect(reader.status()).toMatchObject({ connected: true, lastError: null, staleNodes: 0, staleModels: 0 });
    expect(lines.filter((l) => l.msg.includes("node is fresh again"))).toHaveLength(1);
    expect(reader.status().redisCallsFromCurrent).toBe(0);
  });
});
