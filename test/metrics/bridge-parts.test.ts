/** The bridge's pure parts, as tables: values, rates, exporter quirks, aggregation, inputs. */
import { describe, expect, it } from "vitest";
import { TierfitError } from "../../src/errors.js";
import { combineLoads, mergeDevices, type ServerLoad } from "../../src/metrics/bridge/aggregate.js";
import { CounterRates } from "../../src/metrics/bridge/counter-rates.js";
import { readDcgm } from "../../src/metrics/bridge/dcgm.js";
import { MalformedExpositionError, parseExposition, parseSampleValue } from "../../src/metrics/bridge/exposition.js";
import { buildTargets, parseDurationMs } from "../../src/metrics/bridge/targets.js";
import { readVllm } from "../../src/metrics/bridge/vllm.js";

describe("sample values", () => {
  it.each([
    ["12", 12],
    ["1.2859661e+07", 12_859_661],
    ["-0.5", -0.5],
    ["+Inf", Number.POSITIVE_INFINITY],
    ["-Inf", Number.NEGATIVE_INFINITY],
    ["NaN", Number.NaN],
    ["", null],
    [" ", null],
    ["twelve", null],
    [undefined, null],
  ])("%j → %s", (raw, expected) => {
    expect(parseSampleValue(raw)).toEqual(expected);
  });

  it("rejects a page that is not the exposition format", () => {
    expect(() => parseExposition('up{job="x" 1\n')).toThrow(MalformedExpositionError);
    expect(() => parseExposition("<!DOCTYPE html>\n<title>Login</title>\n")).toThrow(/not a number/);
    expect(parseExposition("# only a comment\n\n")).toEqual([]);
  });
});

describe("counter rates", () => {
  it("has no rate on first sight, then per-second deltas; a reset rebaselines; a new series counts from 0", () => {
    const rates = new CounterRates();
    expect(rates.observe("t", 0, new Map([["a", 100]]))).toEqual(new Map([["a", null]]));
    expect(rates.observe("t", 10_000, new Map([["a", 150]]))).toEqual(new Map([["a", 5]]));
    expect(
      rates.observe(
        "t",
        20_000,
        new Map([
          ["a", 20],
          ["b", 30],
        ]),
      ),
    ).toEqual(
      new Map([
        ["a", null],
        ["b", 3],
      ]),
    );
    expect(rates.observe("t", 30_000, new Map([["a", 40]])).get("a")).toBe(2);
    expect(rates.observe("other", 30_000, new Map([["a", 40]])).get("a")).toBeNull();
  });
});

describe("DCGM readings", () => {
  const labels = (gpu: string, extra: Record<string, string> = {}) => ({
    gpu,
    UUID: `GPU-${gpu}`,
    Hostname: "n1",
    ...extra,
  });

  it("collapses the repeats of a GPU shared by pods and sums MIG slices", () => {
    const devices = readDcgm(
      [
        { name: "DCGM_FI_DEV_FB_USED", labels: labels("0", { namespace: "a", pod: "p1" }), value: 1000 },
        { name: "DCGM_FI_DEV_FB_USED", labels: labels("0", { namespace: "b", pod: "p2" }), value: 1000 },
        { name: "DCGM_FI_DEV_FB_FREE", labels: labels("0", { namespace: "a", pod: "p1" }), value: 3000 },
        { name: "DCGM_FI_DEV_FB_USED", labels: labels("1", { GPU_I_ID: "1" }), value: 500 },
        { name: "DCGM_FI_DEV_FB_USED", labels: labels("1", { GPU_I_ID: "2" }), value: 700 },
        { name: "DCGM_FI_DEV_FB_FREE", labels: labels("1", { GPU_I_ID: "1" }), value: 9500 },
        { name: "DCGM_FI_DEV_FB_FREE", labels: labels("1", { GPU_I_ID: "2" }), value: 9300 },
        { name: "DCGM_FI_DEV_GPU_UTIL", labels: labels("1", { GPU_I_ID: "2" }), value: 40 },
      ],
      null,
    );
    expect(devices.map((d) => [d.index, d.fbUsedMiB, d.fbTotalMiB, d.util, d.pods])).toEqual([
      [0, 1000, 4000, null, ["a/p1", "b/p2"]],
      [1, 1200, 20_000, 0.4, []],
    ]);
  });
});

describe("vLLM readings", () => {
  it("sums queue gauges over data-parallel engines and averages their KV cache", () => {
    const counters = new Map<string, number>();
    const m = { model_name: "m" };
    const [server] = readVllm(
      [
        { name: "vllm:num_requests_running", labels: { ...m, engine: "0" }, value: 3 },
        { name: "vllm:num_requests_running", labels: { ...m, engine: "1" }, value: 5 },
        { name: "vllm:kv_cache_usage_perc", labels: { ...m, engine: "0" }, value: 0.2 },
        { name: "vllm:kv_cache_usage_perc", labels: { ...m, engine: "1" }, value: 0.6 },
        { name: "vllm:gpu_cache_usage_perc", labels: { ...m, engine: "0" }, value: 0.9 },
        { name: "vllm:request_success_total", labels: { ...m, engine: "0", finished_reason: "stop" }, value: 10 },
        { name: "vllm:request_success_total", labels: { ...m, engine: "1", finished_reason: "stop" }, value: 12 },
      ],
      "n1",
      counters,
    );
    expect(server).toMatchObject({ model: "m", node: "n1", running: 8, waiting: null });
    expect(server.kvUtil).toBeCloseTo(0.4, 12);
    expect(server.counters.requests).toHaveLength(2);
    expect([...counters.values()].sort()).toEqual([10, 12]);
  });
});

describe("aggregation across servers", () => {
  const load = (l: Partial<ServerLoad>): ServerLoad => ({
    model: "m",
    node: "n1",
    running: null,
    waiting: null,
    kvUtil: null,
    rps: null,
    promptTps: null,
    genTps: null,
    queueMicrosPerSecond: null,
    ...l,
  });

  it("knows a field only when every server reports it", () => {
    const vllm = load({ running: 4, waiting: 1, kvUtil: 0.5, rps: 10 });
    const triton = load({ waiting: 2, rps: 5, queueMicrosPerSecond: 75_000 });
    expect(combineLoads([vllm, triton], 42)).toEqual({
      ts: 42,
      servers: 2,
      running: undefined,
      waiting: 3,
      kvUtil: undefined,
      rps: 15,
      promptTps: undefined,
      genTps: undefined,
      queueMs: undefined,
    });
    expect(combineLoads([triton], 42).queueMs).toBeCloseTo(15, 12); // 75 ms of queueing per second / 5 rps
  });

  it("places Triton devices by a UUID learnt from DCGM, and lets DCGM win", () => {
    const base = { product: null, fbFreeMiB: null, fbReservedMiB: null, util: 0.5, pods: [] };
    const known = new Map([["GPU-x", { node: "n1", index: 3 }]]);
    const { nodes, skipped } = mergeDevices(
      [
        { ...base, source: "triton", node: "n1", index: null, uuid: "GPU-x", fbUsedMiB: 10, fbTotalMiB: 100 },
        { ...base, source: "triton", node: "n1", index: null, uuid: "GPU-y", fbUsedMiB: 20, fbTotalMiB: 100 },
        { ...base, source: "triton", node: "n1", index: null, uuid: "GPU-z", fbUsedMiB: 30, fbTotalMiB: 100 },
        { ...base, source: "dcgm", node: "n1", index: 0, uuid: "GPU-z", fbUsedMiB: 31, fbTotalMiB: 100 },
      ],
      7,
      known,
    );
    expect(nodes).toHaveLength(1);
    expect(nodes[0].devices.map((d) => [d.index, d.uuid, d.fbUsedMiB])).toEqual([
      [0, "GPU-z", 31],
      [3, "GPU-x", 10],
    ]);
    expect(skipped.map((s) => s.reading.uuid)).toEqual(["GPU-y"]);
  });
});

describe("bridge inputs", () => {
  it.each([
    ["15s", 15_000],
    ["500ms", 500],
    ["2m", 120_000],
    ["1h", 3_600_000],
    ["30", 30_000],
  ])("duration %s = %d ms", (text, ms) => {
    expect(parseDurationMs(text, "--interval")).toBe(ms);
  });

  it("rejects bad durations, URLs and mappings with operator errors", () => {
    expect(() => parseDurationMs("soon", "--interval")).toThrow(TierfitError);
    expect(() => parseDurationMs("-5s", "--interval")).toThrow(/not a positive duration/);
    expect(() => buildTargets(["ftp://x/metrics"], [])).toThrow(/not an http\(s\) URL/);
    expect(() => buildTargets(["http://x/m"], ["gpu-node-1"])).toThrow(/is not URL=NODE/);
    expect(buildTargets(["http://x/m", "http://y/m"], ["http://y/m=n7"])).toEqual([
      { url: "http://x/m", node: null },
      { url: "http://y/m", node: "n7" },
    ]);
  });
});
