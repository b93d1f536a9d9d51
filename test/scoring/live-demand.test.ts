import { describe, expect, it } from "vitest";
import type { NodeState, PodRequest } from "../../src/cluster/types.js";
import { makeContext } from "../../src/scoring/context.js";
import type { DemandSnapshot } from "../../src/scoring/demand-snapshot.js";
import { headroomScore, liveDemand } from "../../src/scoring/signals/live-demand.js";
import {
  demandSnapshot,
  gpu,
  modelDemand,
  nodeState,
  nodeTelemetry,
  podRequest,
  testConfig,
} from "../support/core-builders.js";

const NOW = 1_700_000_000_000;
const node = nodeState({ name: "gpu-1", gpus: [gpu(81920), gpu(81920)] });
const gpuPod = podRequest({ gpuCount: 1 });

function run(pod: PodRequest, n: NodeState, demand: DemandSnapshot, onStale = "neutral") {
  const ctx = makeContext(testConfig({ demand: { onStale, staleAfterSeconds: 60, targetUtilisation: 0.85 } }), {
    demand,
    now: NOW,
  });
  const pre = liveDemand.preScore(pod, ctx);
  const rejection = liveDemand.filter(pod, n, ctx, pre);
  expect(liveDemand.fits?.(pod, n, ctx, pre)).toBe(rejection === null);
  return { rejection, score: rejection === null ? liveDemand.score(pod, n, ctx, pre) : null };
}

describe("liveDemand headroom", () => {
  const cases: [utils: number[], score: number][] = [
    [[0, 0], 10],
    [[0.425, 0.425], 7.5],
    [[0.85, 0.85], 5],
    [[0.9, 0.9], 0],
    [[0.25, 0.6], 7.5], // the mean of the devices
  ];
  for (const [utils, score] of cases) {
    it(`utilisation ${utils.join("/")} scores ${score}`, () => {
      const r = run(gpuPod, node, demandSnapshot(NOW, [nodeTelemetry("gpu-1", utils, NOW - 5000)]));
      expect(r.rejection).toBeNull();
      expect(r.score).toBeCloseTo(score, 10);
    });
  }

  it("adds the forecast load per replica: fits under the target → 5..10, does not → 0..5", () => {
    const models = [modelDemand("llama", 0.6, 2, NOW - 1000)]; // 0.3 of a GPU per replica
    const pod = podRequest({ gpuCount: 1, model: "llama" });
    const fits = run(pod, node, demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0.35, 0.35], NOW)], models));
    expect(fits.score).toBeCloseTo(5 + (5 * 0.2) / 0.55, 10);
    const tight = run(pod, node, demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0.7, 0.7], NOW)], models));
    expect(tight.score).toBeCloseTo(2.5, 10);
  });

  it("ignores a forecast older than its horizon", () => {
    const models = [modelDemand("llama", 0.6, 2, NOW - 901_000)];
    const pod = podRequest({ gpuCount: 1, model: "llama" });
    const r = run(pod, node, demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0.7, 0.7], NOW)], models));
    expect(r.score).toBeCloseTo(5 + (5 * 0.15) / 0.85, 10);
  });

  it("headroomScore edges", () => {
    expect(headroomScore(0, 0.85, 0.85)).toBe(5);
    expect(headroomScore(1.2, 0.1, 0.85)).toBe(0);
    expect(headroomScore(0.5, 0.7, 0.85)).toBeCloseTo(2.5, 10);
  });
});

describe("liveDemand with missing or stale data", () => {
  const missing = demandSnapshot(NOW, []);
  const old = demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0, 0], NOW - 120_000)]);
  const flagged = demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0, 0], NOW - 1000, true)]);
  const noUtil = demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0.1, null], NOW)]);

  it("neutral: 5, never a guess", () => {
    for (const d of [missing, old, flagged, noUtil]) expect(run(gpuPod, node, d).score).toBe(5);
  });

  it("minimum: 0", () => {
    for (const d of [missing, old, flagged, noUtil]) expect(run(gpuPod, node, d, "minimum").score).toBe(0);
  });

  it("reject: says how old the data is", () => {
    expect(run(gpuPod, node, old, "reject").rejection).toEqual({
      signal: "liveDemand",
      reason: "live GPU data is 120 s old (limit 60 s; demand.onStale is reject)",
      unresolvable: true,
    });
    expect(run(gpuPod, node, missing, "reject").rejection?.reason).toBe(
      "no live GPU data for this node (demand.onStale is reject)",
    );
    expect(run(gpuPod, node, noUtil, "reject").rejection?.reason).toMatch(/reports no utilisation/);
  });

  it("pods without GPUs are neutral and never rejected for GPU data", () => {
    expect(run(podRequest(), node, missing, "reject")).toEqual({ rejection: null, score: 5 });
    expect(run(podRequest(), node, missing, "minimum")).toEqual({ rejection: null, score: 5 });
  });
});
