/**
 * The bridge end to end against a real Redis: it scrapes a local server serving real-format DCGM
 * exporter, vLLM and Triton pages, writes the schema, and the snapshot reader then holds the
 * right values, rates and ages.
 */
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Bridge } from "../../src/metrics/bridge/bridge.js";
import { buildTargets } from "../../src/metrics/bridge/targets.js";
import { GPU_FIELDS, redisKeys } from "../../src/metrics/redis-schema.js";
import { SnapshotReader } from "../../src/metrics/snapshot-reader.js";
import { redisUnavailableReason, testRedisUrl, uniquePrefix } from "../support/redis.js";
import { captureLogger, deleteKeys, fixture, serveRoutes, withSample } from "./support.js";

const url = testRedisUrl();
if (url === null) console.warn(`skipping bridge tests: ${redisUnavailableReason()}`);

const MODEL = "meta-llama/Llama-3.1-8B-Instruct";
const VLLM_STOP = `vllm:request_success_total{engine="0",finished_reason="stop",model_name="${MODEL}"}`;
const VLLM_LENGTH = `vllm:request_success_total{engine="0",finished_reason="length",model_name="${MODEL}"}`;
const VLLM_PROMPT = `vllm:prompt_tokens_total{engine="0",model_name="${MODEL}"}`;
const VLLM_GEN = `vllm:generation_tokens_total{engine="0",model_name="${MODEL}"}`;
const REDIS_CONFIG = {
  telemetryTtlSeconds: 600,
  historyTtlSeconds: 3600,
  historyLength: 100,
  historySampleSeconds: 60,
};

describe.skipIf(url === null)("exporter bridge → Redis → snapshot", () => {
  let redis: Redis;
  let prefix: string;
  let pages: Record<string, string>;
  let server: Awaited<ReturnType<typeof serveRoutes>>;
  let clock: number;

  beforeEach(async () => {
    redis = new Redis(url!);
    prefix = uniquePrefix();
    pages = { dcgm: fixture("dcgm-exporter.prom"), vllm: fixture("vllm.prom"), triton: fixture("triton.prom") };
    server = await serveRoutes({
      "/dcgm": () => pages.dcgm,
      "/vllm": () => pages.vllm,
      "/triton": () => pages.triton,
      "/broken": () => "<html>\n<body>502 Bad Gateway</body>\n</html>\n",
    });
    clock = Date.now();
  });

  afterEach(async () => {
    await deleteKeys(redis, prefix);
    redis.disconnect();
    await server.close();
  });

  function makeBridge(paths: string[], nodeMappings: string[] = []) {
    const log = captureLogger();
    const targets = buildTargets(
      paths.map((p) => `${server.url}${p}`),
      nodeMappings.map((m) => `${server.url}${m}`),
    );
    const bridge = new Bridge({
      targets,
      redis,
      keys: redisKeys(prefix),
      config: REDIS_CONFIG,
      logger: log.logger,
      scrapeTimeoutMs: 2000,
      now: () => clock,
    });
    return { bridge, log };
  }

  function makeReader(staleAfterSeconds = 60) {
    return new SnapshotReader({
      redis,
      keys: redisKeys(prefix),
      staleAfterSeconds,
      logger: captureLogger().logger,
      now: () => clock,
    });
  }

  it("writes DCGM telemetry keyed by index and UUID, total = free + used + reserved", async () => {
    const { bridge } = makeBridge(["/dcgm"]);
    const summary = await bridge.runRound();
    expect(summary).toMatchObject({ failed: [], nodes: 1, writeError: null });

    const hash = await redis.hgetall(`${prefix}gpu:gpu-node-1`);
    expect(hash[GPU_FIELDS.ts]).toBe(String(clock));
    expect(hash["0.fb_used_mib"]).toBe("40121");
    expect(hash["0.fb_total_mib"]).toBe("81920"); // 41190 free + 40121 used + 609 reserved
    expect(hash["0.util"]).toBe("0.87");
    expect(hash["0.pods"]).toBe("inference/llama-8b-7d9f6c5b4-x2k8q");
    expect(hash["uuid.GPU-1c2d3e4f-5a6b-7c8d-9e0f-a1b2c3d4e5f6"]).toBe("1");
    expect(hash["1.pods"]).toBeUndefined();
    const ttl = await redis.pttl(`${prefix}gpu:gpu-node-1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(600_000);

    clock += 5000;
    const reader = makeReader();
    expect(await reader.refresh()).toBe(true);
    const node = reader.current().nodes.get("gpu-node-1")!;
    expect(node.ts).toBe(clock - 5000);
    expect(node.stale).toBe(false);
    expect(node.devices).toEqual([
      { index: 0, uuid: "GPU-8a3f52c1-4b9e-7d20-91c3-5e6f7a8b9c0d", fbUsedMiB: 40121, fbTotalMiB: 81920, util: 0.87 },
      { index: 1, uuid: "GPU-1c2d3e4f-5a6b-7c8d-9e0f-a1b2c3d4e5f6", fbUsedMiB: 0, fbTotalMiB: 81920, util: 0 },
    ]);
  });

  it("turns vLLM counters into rates from the previous scrape, per model and per mapped node", async () => {
    const { bridge } = makeBridge(["/dcgm", "/vllm"], ["/vllm=gpu-node-1"]);
    await bridge.runRound();
    // First sight of the counters: no rate yet, and unknown is absent, not zero.
    let fields = await redis.hgetall(`${prefix}model:${MODEL}`);
    expect(fields.running).toBe("12");
    expect(fields.waiting).toBe("3");
    expect(fields.kv_util).toBe("0.4172");
    expect(fields.rps).toBeUndefined();

    clock += 15_000;
    let page = withSample(pages.vllm, VLLM_STOP, 9671 + 270);
    page = withSample(page, VLLM_LENGTH, 312 + 30);
    page = withSample(page, VLLM_PROMPT, 12859661 + 150_000);
    pages.vllm = withSample(page, VLLM_GEN, 2417035 + 45_000);
    await bridge.runRound();
    fields = await redis.hgetall(`${prefix}model:${MODEL}`);
    expect(Number(fields.rps)).toBeCloseTo(20, 10); // (270 + 30) / 15 s
    expect(Number(fields.prompt_tps)).toBeCloseTo(10_000, 6);
    expect(Number(fields.gen_tps)).toBeCloseTo(3000, 6);

    clock += 3000;
    const reader = makeReader();
    await reader.refresh();
    const m = reader.current().models.get(MODEL)!;
    expect(m).toMatchObject({ running: 12, waiting: 3, kvCacheUsage: 0.4172, servers: 1, stale: false, queueMs: null });
    expect(m.ts).toBe(clock - 3000);
    expect(m.rps).toBeCloseTo(20, 10);
    expect(m.generationTokensPerSecond).toBeCloseTo(3000, 6);
    expect(m.nodes.get("gpu-node-1")).toMatchObject({ node: "gpu-node-1", model: MODEL, running: 12, servers: 1 });

    // One history point: the second round came 15 s later, inside the 60 s sampling period.
    expect(await redis.xlen(`${prefix}history:${MODEL}`)).toBe(1);
  });

  it("starts a new baseline on a counter reset instead of reporting a negative rate", async () => {
    const { bridge } = makeBridge(["/vllm"]);
    pages.vllm = withSample(pages.vllm, VLLM_STOP, 5000);
    await bridge.runRound();
    clock += 10_000;
    pages.vllm = withSample(pages.vllm, VLLM_STOP, 5100);
    await bridge.runRound();
    expect(Number(await redis.hget(`${prefix}model:${MODEL}`, "rps"))).toBeCloseTo(10, 10);

    // The server restarted: every counter dropped.
    clock += 10_000;
    let page = withSample(pages.vllm, VLLM_STOP, 40);
    page = withSample(page, VLLM_LENGTH, 2);
    page = withSample(page, VLLM_PROMPT, 900);
    pages.vllm = withSample(page, VLLM_GEN, 300);
    await bridge.runRound();
    const afterReset = await redis.hgetall(`${prefix}model:${MODEL}`);
    expect(afterReset.rps).toBeUndefined();
    expect(afterReset.gen_tps).toBeUndefined();
    expect(afterReset.running).toBe("12");

    clock += 10_000;
    pages.vllm = withSample(pages.vllm, VLLM_STOP, 40 + 50);
    await bridge.runRound();
    expect(Number(await redis.hget(`${prefix}model:${MODEL}`, "rps"))).toBeCloseTo(5, 10);
  });

  it("logs a malformed or failed scrape with its URL and still writes the others", async () => {
    const { bridge, log } = makeBridge(["/dcgm", "/broken", "/missing", "/vllm"]);
    const summary = await bridge.runRound();
    expect(summary.scraped).toEqual([`${server.url}/dcgm`, `${server.url}/vllm`]);
    expect(summary.failed.map((f) => f.url)).toEqual([`${server.url}/broken`, `${server.url}/missing`]);
    expect(summary.failed[0].error).toMatch(/not a number/);
    expect(summary.failed[1].error).toMatch(/HTTP 404/);
    const warnings = log.lines.filter((l) => l.msg.startsWith("scrape failed"));
    expect(warnings.map((w) => w.url)).toEqual([`${server.url}/broken`, `${server.url}/missing`]);
    expect(await redis.hget(`${prefix}gpu:gpu-node-1`, "0.fb_used_mib")).toBe("40121");
    expect(await redis.hget(`${prefix}model:${MODEL}`, "running")).toBe("12");
  });

  it("runs rounds on its interval until stopped, and a stop waits for the round in progress", async () => {
    let scrapes = 0;
    const bridge = new Bridge({
      targets: buildTargets([`${server.url}/dcgm`], []),
      redis,
      keys: redisKeys(prefix),
      config: REDIS_CONFIG,
      logger: captureLogger().logger,
      scrapeTimeoutMs: 2000,
      fetchText: async (target, timeoutMs) => {
        scrapes++;
        const res = await fetch(target, { signal: AbortSignal.timeout(timeoutMs) });
        return res.text();
      },
    });
    bridge.start(20);
    for (let i = 0; i < 400 && scrapes < 3; i++) await new Promise((r) => setTimeout(r, 10));
    await bridge.stop();
    const stoppedAt = scrapes;
    expect(stoppedAt).toBeGreaterThanOrEqual(3);
    expect(await redis.hget(`${prefix}gpu:gpu-node-1`, "0.util")).toBe("0.87");
    await new Promise((r) => setTimeout(r, 100));
    expect(scrapes).toBe(stoppedAt);
  });

  it("normalises Triton to the same fields: rps, waiting, mean queue time", async () => {
    const { bridge, log } = makeBridge(["/triton"], ["/triton=triton-node"]);
    await bridge.runRound();
    clock += 15_000;
    let page = withSample(pages.triton, 'nv_inference_request_success{model="resnet50",version="1"}', 184220 + 300);
    page = withSample(page, 'nv_inference_queue_duration_us{model="resnet50",version="1"}', 92110000 + 4_500_000);
    pages.triton = page;
    await bridge.runRound();
    const reader = makeReader();
    await reader.refresh();
    const m = reader.current().models.get("resnet50")!;
    expect(m.rps).toBeCloseTo(20, 10);
    expect(m.queueMs).toBeCloseTo(15, 10); // 4.5 s of queueing over 300 requests
    expect(m.waiting).toBe(6);
    expect(m.running).toBeNull();
    expect(m.kvCacheUsage).toBeNull();
    expect(m.nodes.get("triton-node")?.rps).toBeCloseTo(20, 10);
    // Triton names GPUs by UUID only; without the node's DCGM exporter the index is unknown.
    expect(reader.current().nodes.has("triton-node")).toBe(false);
    expect(log.lines.some((l) => l.msg.startsWith("device index unknown"))).toBe(true);
  });
});
