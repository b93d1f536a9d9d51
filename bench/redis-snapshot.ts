/**
 * Snapshot refresh from Redis at cluster scale: 5,000 nodes × 8 GPUs and 1,000 models (each served
 * on 4 nodes), written by the bridge's own writer into the real Redis at REDIS_URL (default
 * redis://127.0.0.1:6379) under a throwaway prefix, deleted afterwards. Target: a refresh in
 * ≤ 50 ms. Baselines measured in the same run on the same data: one PING round trip, the read
 * alone (the two pipelines, no decoding), and the naive layout-agnostic read (a pipeline of
 * HGETALL over the same keys). Also proves current() sends no Redis command.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { writeRound } from "../src/metrics/bridge/write-round.js";
import { countCommands, createRedisClient, waitUntilReady } from "../src/metrics/redis-client.js";
import {
  GPU_FIELDS,
  type LoadSample,
  type ModelSample,
  type NodeSample,
  type RedisKeys,
  redisKeys,
} from "../src/metrics/redis-schema.js";
import { SnapshotReader } from "../src/metrics/snapshot-reader.js";

export interface BenchRow {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly note?: string;
}

const NODES = 5_000;
const GPUS_PER_NODE = 8;
const MODELS = 1_000;
const NODES_PER_MODEL = 4;
const WARMUP = 3;
const RUNS = 15;
const CURRENT_CALLS = 1_000_000;
const WRITE_CONFIG = { telemetryTtlSeconds: 600, historyTtlSeconds: 600, historyLength: 10 };

function node(i: number, ts: number): NodeSample {
  return {
    node: `gpu-node-${i}`,
    ts,
    devices: Array.from({ length: GPUS_PER_NODE }, (_, g) => ({
      index: g,
      uuid: `GPU-${i.toString(16).padStart(8, "0")}-${g}000-4000-8000-${randomUUID().slice(0, 12)}`,
      product: "NVIDIA A100-SXM4-80GB",
      fbUsedMiB: (i * 7 + g * 13) % 81_000,
      fbFreeMiB: 81_311 - ((i * 7 + g * 13) % 81_000),
      fbReservedMiB: 609,
      fbTotalMiB: 81_920,
      util: ((i + g) % 100) / 100,
      pods: g % 2 === 0 ? [`inference/model-${(i + g) % MODELS}-pod`] : [],
    })),
  };
}

function model(i: number, ts: number): ModelSample {
  const load = (k: number): LoadSample => ({
    ts,
    servers: 1,
    running: 10 + k,
    waiting: k,
    kvUtil: 0.4,
    rps: 5 + k,
    promptTps: 2500,
    genTps: 900,
  });
  const nodes = new Map<string, LoadSample>();
  for (let k = 0; k < NODES_PER_MODEL; k++) nodes.set(`gpu-node-${(i * NODES_PER_MODEL + k) % NODES}`, load(k));
  return { ...load(NODES_PER_MODEL), servers: NODES_PER_MODEL, model: `org/model-${i}`, nodes };
}

async function fill(redis: Redis, keys: RedisKeys, ts: number): Promise<void> {
  for (let start = 0; start < NODES; start += 500) {
    const nodes = Array.from({ length: 500 }, (_, k) => node(start + k, ts));
    await writeRound(redis, keys, { at: ts, nodes, models: [], historyModels: new Set() }, WRITE_CONFIG);
  }
  for (let start = 0; start < MODELS; start += 250) {
    const models = Array.from({ length: 250 }, (_, k) => model(start + k, ts));
    await writeRound(redis, keys, { at: ts, nodes: [], models, historyModels: new Set() }, WRITE_CONFIG);
  }
}

async function deleteAll(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 2000);
    if (found.length > 0) await redis.unlink(...found);
    cursor = next;
  } while (cursor !== "0");
}

/** p50 and max of RUNS timed calls after WARMUP untimed ones; `prepare` runs untimed before each. */
async function timeRuns(
  fn: () => Promise<unknown>,
  prepare: () => Promise<unknown> = async () => {},
): Promise<{ p50: number; max: number }> {
  for (let i = 0; i < WARMUP; i++) {
    await prepare();
    await fn();
  }
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await prepare();
    const start = performance.now();
    await fn();
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(ms.length / 2)], max: ms[ms.length - 1] };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export async function benchRedisSnapshot(): Promise<BenchRow[]> {
  const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const redis = createRedisClient(url, { connectTimeoutMs: 2000, commandTimeoutMs: 30_000, lazyConnect: true });
  try {
    await waitUntilReady(redis, url, 2000, true);
  } catch (err) {
    redis.disconnect();
    return [{ name: "redis snapshot: skipped", value: 0, unit: "", note: (err as Error).message }];
  }
  const keys = redisKeys(`tierfit-bench:${randomUUID().slice(0, 8)}:`);
  try {
    const ts = Date.now();
    await fill(redis, keys, ts);
    const logger = pino({ level: "silent" });
    const newReader = () => new SnapshotReader({ redis, keys, staleAfterSeconds: 3600, logger });
    const refreshOnce = async (reader: SnapshotReader) => {
      if (!(await reader.refresh())) throw new Error(`refresh failed: ${reader.status().lastError}`);
    };

    // Cold: a reader that holds nothing reads and decodes every entry.
    let cold = newReader();
    const coldRefresh = await timeRuns(
      () => refreshOnce(cold),
      async () => {
        cold = newReader();
      },
    );
    // Steady state: the bridge rewrites every node each 15 s and the reader refreshes each 5 s,
    // so a third of the nodes (and models) changed since the previous refresh.
    const reader = newReader();
    await refreshOnce(reader);
    let round = 0;
    const steadyRefresh = await timeRuns(
      () => refreshOnce(reader),
      async () => {
        round++;
        const at = ts + round * 5000;
        const nodes = [];
        for (let i = round % 3; i < NODES; i += 3) nodes.push(node(i, at));
        const models = [];
        for (let i = round % 3; i < MODELS; i += 3) models.push(model(i, at));
        await writeRound(redis, keys, { at, nodes, models, historyModels: new Set() }, WRITE_CONFIG);
      },
    );
    const unchangedRefresh = await timeRuns(() => refreshOnce(reader));
    const snap = reader.current();
    if (snap.nodes.size !== NODES || snap.models.size !== MODELS) {
      throw new Error(`snapshot holds ${snap.nodes.size} nodes and ${snap.models.size} models`);
    }

    const ping = await timeRuns(() => redis.ping());
    const nodeNames = Array.from({ length: NODES }, (_, i) => `gpu-node-${i}`);
    const modelNames = Array.from({ length: MODELS }, (_, i) => `org/model-${i}`);
    const pipelined = await timeRuns(async () => {
      const p = redis.pipeline();
      for (const n of nodeNames) p.hmget(keys.gpu(n), GPU_FIELDS.ts, GPU_FIELDS.devices);
      for (const m of modelNames) p.hgetall(keys.model(m));
      await p.exec();
    });
    const naive = await timeRuns(async () => {
      const p = redis.pipeline();
      for (const n of nodeNames) p.hgetall(keys.gpu(n));
      for (const m of modelNames) p.hgetall(keys.model(m));
      await p.exec();
    });

    // Every command the client sends passes through sendCommand; none may come from current().
    const counter = countCommands(redis);
    const before = counter.count;
    let sink = 0;
    for (let i = 0; i < CURRENT_CALLS; i++) sink += reader.current().nodes.size;
    const sentByCurrent = counter.count - before + reader.status().redisCallsFromCurrent;
    if (sentByCurrent !== 0 || sink !== CURRENT_CALLS * NODES)
      throw new Error(`current() sent ${sentByCurrent} commands`);

    const scale = `${NODES} nodes × ${GPUS_PER_NODE} GPUs, ${MODELS} models × ${NODES_PER_MODEL} nodes`;
    const ms = (name: string, t: { p50: number; max: number }, note: string): BenchRow => ({
      name,
      value: round2(t.p50),
      unit: "ms",
      note: `${note}; max ${round2(t.max)} ms over ${RUNS}`,
    });
    return [
      ms("redis snapshot: refresh, 1/3 changed p50", steadyRefresh, `${scale}; steady state; target ≤ 50 ms`),
      ms("redis snapshot: refresh, none changed p50", unchangedRefresh, "every entry already held"),
      ms("redis snapshot: refresh, cold p50", coldRefresh, "a new reader: reads and decodes everything"),
      ms("redis snapshot: baseline PING p50", ping, "one round trip"),
      ms(
        "redis snapshot: baseline HMGET pipeline p50",
        pipelined,
        `plain pipeline, ts+devices of ${NODES} nodes + HGETALL of ${MODELS} models, no decoding`,
      ),
      ms(
        "redis snapshot: baseline HGETALL pipeline p50",
        naive,
        `naive: HGETALL of all ${NODES + MODELS} hashes, no decoding`,
      ),
      {
        name: "redis snapshot: current() Redis commands",
        value: sentByCurrent,
        unit: "commands",
        note: `over ${CURRENT_CALLS.toLocaleString("en-US")} calls (must be 0)`,
      },
    ];
  } finally {
    await deleteAll(redis, keys.prefix);
    redis.disconnect();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of await benchRedisSnapshot()) {
    console.log(`${row.name.padEnd(42)} ${String(row.value).padStart(10)} ${row.unit}  ${row.note ?? ""}`);
  }
}
