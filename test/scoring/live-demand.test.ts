import { describe, expect, it } from "vitest";
import type { NodeState, PodRequest } from "../../src/cluster/types.js";
import { policyByName } from "../../src/scoring/baselines/registry.js";
import { makeContext } from "../../src/scoring/context.js";
import { type DemandSnapshot, EMPTY_DEMAND, type NodeTelemetry } from "../../src/scoring/demand-snapshot.js";
import { chooseDevices } from "../../src/scoring/device-choice.js";
import { headroomScore, liveDemand } from "../../src/scoring/signals/live-demand.js";
import type { ScoringContext } from "../../src/scoring/types.js";
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
const TARGET = 0.85;
const node = nodeState({ name: "gpu-1", gpus: [gpu(81920), gpu(81920)] });
const gpuPod = podRequest({ gpuCount: 1 });
/** A replica of model llama whose forecast is 0.6 GPUs over 2 replicas: 0.3 of a GPU each. */
const llamaPod = podRequest({ gpuCount: 1, gpuMiB: 20_000, tenant: "team", model: "llama" });
const llama = (ts = NOW - 1000) => [modelDemand("llama", 0.6, 2, ts)];

function contextFor(demand: DemandSnapshot, onStale = "neutral"): ScoringContext {
  const config = testConfig({ demand: { onStale, staleAfterSeconds: 60, targetUtilisation: TARGET } });
  return makeContext(config, { demand, now: NOW });
}

function run(pod: PodRequest, n: NodeState, demand: DemandSnapshot, onStale = "neutral") {
  const ctx = contextFor(demand, onStale);
  const pre = liveDemand.preScore(pod, ctx);
  const rejection = liveDemand.filter(pod, n, ctx, pre);
  expect(liveDemand.fits?.(pod, n, ctx, pre)).toBe(rejection === null);
  return { rejection, score: rejection === null ? liveDemand.score(pod, n, ctx, pre) : null };
}

/** The device indices device choice gives the pod on the node under this snapshot. */
function devicesChosen(pod: PodRequest, n: NodeState, demand: DemandSnapshot): number[] {
  const chosen = chooseDevices(pod, n, contextFor(demand));
  if (!Array.isArray(chosen)) throw new Error(chosen.reason);
  return chosen.map((d) => d.index);
}

const withPending = (t: NodeTelemetry, util: number): NodeTelemetry => ({
  ...t,
  pending: { placements: 1, fbMiB: 20_000, util, models: ["llama"] },
});

describe("headroomScore", () => {
  const cases: [predicted: number, target: number, score: number][] = [
    [0, 0.85, 10],
    [0.5, 0.85, 10],
    [0.85, 0.85, 10], // at the target: still full marks
    [0.9, 0.85, 10 * (0.1 / 0.15)], // 6.67: falls linearly from the target …
    [0.97, 0.85, 10 * (0.03 / 0.15)], // 2
    [1, 0.85, 0], // … to 0 at a full GPU
    [1.3, 0.85, 0], // oversubscribed
    [1, 1, 10], // a target of 1: full marks up to a full GPU …
    [1.01, 1, 0], // … nothing beyond
  ];
  for (const [predicted, target, score] of cases) {
    it(`predicted ${predicted} against target ${target} scores ${score.toFixed(2)}`, () => {
      expect(headroomScore(predicted, target)).toBeCloseTo(score, 10);
    });
  }
});

describe("liveDemand scores headroom on the device the pod gets", () => {
  const cases: [utils: number[], score: number][] = [
    [[0, 0], 10],
    [[0.6, 0.6], 10], // busy but within the target: as good as idle
    [[0.85, 0.85], 10],
    [[0.9, 0.95], 10 * (0.1 / 0.15)], // both over: the less loaded GPU, 0.9 → 6.67
    [[0.97, 0.97], 2],
    [[1, 1], 0],
    [[0.9, 0.1], 10], // not the node mean (0.5): device choice takes the GPU with headroom
  ];
  for (const [utils, score] of cases) {
    it(`utilisation ${utils.join("/")} scores ${score.toFixed(2)}`, () => {
      const r = run(gpuPod, node, demandSnapshot(NOW, [nodeTelemetry("gpu-1", utils, NOW - 5000)]));
      expect(r.rejection).toBeNull();
      expect(r.score).toBeCloseTo(score, 10);
    });
  }

  it("adds the forecast compute per replica to the chosen device", () => {
    // 0.5 + 0.3 = 0.8 fits under 0.85 on GPU 0; GPU 1 would reach 0.9.
    const fits = demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0.5, 0.6], NOW)], llama());
    expect(devicesChosen(llamaPod, node, fits)).toEqual([0]);
    expect(run(llamaPod, node, fits).score).toBe(10);
    // 0.6 + 0.3 = 0.9 and 0.7 + 0.3 = 1.0: the pod goes to GPU 0 and the node scores 6.67.
    const tight = demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0.6, 0.7], NOW)], llama());
    expect(devicesChosen(llamaPod, node, tight)).toEqual([0]);
    expect(run(llamaPod, node, tight).score).toBeCloseTo(10 * (0.1 / 0.15), 10);
  });

  it("spreads a multi-GPU pod's forecast over its GPUs and scores its busiest GPU", () => {
    // 0.6 per replica over 2 GPUs = 0.3 on each; GPUs 2 and 3 have headroom (0.2 + 0.3, 0.3 + 0.3).
    const four = nodeState({ name: "gpu-1", gpus: [gpu(81920), gpu(81920), gpu(81920), gpu(81920)] });
    const pod = podRequest({ gpuCount: 2, model: "llama" });
    const models = [modelDemand("llama", 1.2, 2, NOW)];
    const some = demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0.9, 0.6, 0.2, 0.3], NOW)], models);
    expect(devicesChosen(pod, four, some)).toEqual([2, 3]);
    expect(run(pod, four, some).score).toBe(10);
    // Only GPU 3 has headroom; the second GPU is the least loaded of the rest: 0.6 + 0.3 = 0.9.
    const one = demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0.9, 0.6, 0.7, 0.2], NOW)], models);
    expect(devicesChosen(pod, four, one)).toEqual([1, 3]);
    expect(run(pod, four, one).score).toBeCloseTo(10 * (0.1 / 0.15), 10);
  });

  it("ignores a forecast older than its horizon", () => {
    const old = demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0.7, 0.7], NOW)], llama(NOW - 901_000));
    expect(run(llamaPod, node, old).score).toBe(10); // 0.7 alone is within the target
  });

  it("matches devices by index, whatever order the exporter lists them in", () => {
    const t = nodeTelemetry("gpu-1", [0.95, 0.1], NOW);
    const reversed = { ...t, devices: [t.devices[1], t.devices[0]] };
    expect(devicesChosen(gpuPod, node, demandSnapshot(NOW, [reversed]))).toEqual([1]);
    expect(run(gpuPod, node, demandSnapshot(NOW, [reversed])).score).toBe(10);
  });
});

describe("device choice under live demand", () => {
  // GPU 0 already holds 40 GiB of the same tenant; GPU 1 is empty. Binpack prefers GPU 0.
  const shared = nodeState({
    name: "gpu-1",
    gpus: [gpu(81920, { occupants: [{ mib: 40_960, tenant: "team" }] }), gpu(81920)],
  });

  it("packs onto the busier GPU while it keeps headroom for the pod's forecast load", () => {
    // 0.5 + 0.3 = 0.8 ≤ 0.85.
    const d = demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0.5, 0], NOW)], llama());
    expect(devicesChosen(llamaPod, shared, d)).toEqual([0]);
    expect(run(llamaPod, shared, d).score).toBe(10);
  });

  it("moves to a GPU with headroom when the packed one would go over the target", () => {
    // 0.6 + 0.3 = 0.9 > 0.85 on GPU 0; the empty GPU 1 takes it with full marks.
    const d = demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0.6, 0], NOW)], llama());
    expect(devicesChosen(llamaPod, shared, d)).toEqual([1]);
    expect(run(llamaPod, shared, d).score).toBe(10);
  });

  it("puts load placed since the sample on the GPUs pods hold, not on empty ones", () => {
    // Pending 0.4: GPU 0 (held) becomes 0.1 + 0.4 + 0.3 = 0.8, still within the target …
    const light = withPending(nodeTelemetry("gpu-1", [0.1, 0], NOW), 0.4);
    expect(devicesChosen(llamaPod, shared, demandSnapshot(NOW, [light], llama()))).toEqual([0]);
    // … pending 0.5 makes it 0.9: the pod goes to the empty GPU 1, which carries none of it.
    const heavy = withPending(nodeTelemetry("gpu-1", [0.1, 0], NOW), 0.5);
    expect(devicesChosen(llamaPod, shared, demandSnapshot(NOW, [heavy], llama()))).toEqual([1]);
    expect(run(llamaPod, shared, demandSnapshot(NOW, [heavy], llama())).score).toBe(10);
  });

  it("judges a held GPU by its pods' forecast when the sample is lower (forecast forward)", () => {
    // GPU 0 holds a llama replica (forecast 0.6 over 2 replicas = 0.3 each) but samples only 0.1:
    // its load is forecast to be 0.3, so with the pod 0.3 + 0.3 = 0.6 ≤ 0.85, it packs there.
    const held = nodeState({
      name: "gpu-1",
      gpus: [gpu(81920, { occupants: [{ mib: 20_000, tenant: "team", model: "llama" }] }), gpu(81920)],
    });
    const quiet = demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0.1, 0], NOW)], llama());
    expect(devicesChosen(llamaPod, held, quiet)).toEqual([0]);
    // Forecast 1.2 over 2 replicas = 0.6 each: GPU 0 is forecast at 0.6 (sampled 0.1), with the
    // pod 0.6 + 0.6 = 1.2 > 0.85; the empty GPU 1 takes it (0 + 0.6) with full marks.
    const busy = demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0.1, 0], NOW)], [modelDemand("llama", 1.2, 2, NOW)]);
    expect(devicesChosen(llamaPod, held, busy)).toEqual([1]);
    expect(run(llamaPod, held, busy).score).toBe(10);
    // The sample wins when it is the higher: sampled 0.7 against the forecast 0.3 → 0.7 + 0.3 = 1.0.
    const hot = demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0.7, 0], NOW)], llama());
    expect(devicesChosen(llamaPod, held, hot)).toEqual([1]);
  });

  it("counts a pod's own load only up to the target: alone on a GPU it has all the headroom there is", () => {
    // Forecast 1.8 over 2 replicas = 0.9 per replica, above the 0.85 target on its own.
    const heavy = [modelDemand("llama", 1.8, 2, NOW)];
    // An empty GPU: 0 + min(0.9, 0.85) = 0.85 → 10, not the 6.67 that 0.9 would score …
    expect(run(llamaPod, node, demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0, 0], NOW)], heavy)).score).toBe(10);
    // … while a GPU already at 0.1 would reach 0.1 + 0.85 = 0.95 → 10 × 0.05 / 0.15 = 3.33:
    // a neighbour's load is what the signal penalises, so the two no longer tie.
    const shared = demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0.1, 0.1], NOW)], heavy);
    expect(run(llamaPod, node, shared).score).toBeCloseTo(10 * (0.05 / 0.15), 10);
  });

  it("keeps the packing's choice where there is no fresh telemetry for the node", () => {
    const busy = [0.99, 0];
    const cases: DemandSnapshot[] = [
      EMPTY_DEMAND,
      demandSnapshot(NOW, [nodeTelemetry("other-node", busy, NOW)], llama()),
      demandSnapshot(NOW, [nodeTelemetry("gpu-1", busy, NOW - 120_000)], llama()), // stale
      demandSnapshot(NOW, [nodeTelemetry("gpu-1", [null, null], NOW)], llama()), // no utilisation
    ];
    for (const d of cases) expect(devicesChosen(llamaPod, shared, d)).toEqual([0]);
  });

  it("is tierfit's alone: a baseline policy packs as before, whatever the telemetry", () => {
    const d = demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0.99, 0], NOW)], llama());
    const config = testConfig();
    const ctx = makeContext(config, { demand: d, now: NOW, policy: policyByName("binpack", config, { seed: 1 }) });
    const chosen = chooseDevices(llamaPod, shared, ctx);
    expect(Array.isArray(chosen) && chosen.map((c) => c.index)).toEqual([0]);
    expect(devicesChosen(llamaPod, shared, d)).toEqual([1]); // tierfit moves it
  });
});

describe("liveDemand with missing or stale data", () => {
  const missing = demandSnapshot(NOW, []);
  const old = demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0, 0], NOW - 120_000)]);
  const flagged = demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0, 0], NOW - 1000, true)]);
  const noUtil = demandSnapshot(NOW, [nodeTelemetry("gpu-1", [null, null], NOW)]);

  it("neutral: 5, never a guess", () => {
    for (const d of [missing, old, flagged, noUtil]) expect(run(gpuPod, node, d).score).toBe(5);
    // Only the GPU the pod gets must report: GPU 0 does (0.1).
    const partial = demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0.1, null], NOW)]);
    expect(run(gpuPod, node, partial).score).toBe(10);
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
    const partial = demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0.1, null], NOW)]);
    expect(run(gpuPod, node, partial, "reject").rejection?.reason).toBe(
      "live GPU data reports no utilisation for this node's GPUs (demand.onStale is reject)",
    );
  });

  it("pods without GPUs are neutral and never rejected for GPU data", () => {
    expect(run(podRequest(), node, missing, "reject")).toEqual({ rejection: null, score: 5 });
    expect(run(podRequest(), node, missing, "minimum")).toEqual({ rejection: null, score: 5 });
  });
});

describe("demand.maxUtilisation refuses a node whose GPUs the pod would overload", () => {
  // Both GPUs already hold 20 GiB of the pod's tenant (no model, so their load is the sample).
  const busy = nodeState({
    name: "gpu-1",
    gpus: [
      gpu(81920, { occupants: [{ mib: 20_000, tenant: "team" }] }),
      gpu(81920, { occupants: [{ mib: 20_000, tenant: "team" }] }),
    ],
  });
  function judge(n: NodeState, demand: DemandSnapshot, maxUtilisation: number | null = 1) {
    const config = testConfig({ demand: { staleAfterSeconds: 60, targetUtilisation: TARGET, maxUtilisation } });
    const ctx = makeContext(config, { demand, now: NOW });
    const pre = liveDemand.preScore(llamaPod, ctx);
    const rejection = liveDemand.filter(llamaPod, n, ctx, pre);
    expect(liveDemand.fits?.(llamaPod, n, ctx, pre)).toBe(rejection === null);
    return rejection;
  }

  it("refuses when the least loaded GPU would go above 100 %, with the numbers", () => {
    // Samples 0.75 and 0.8; the pod adds 0.3 (0.6 over 2 replicas): the better GPU 0 reaches
    // 0.75 + 0.3 = 1.05 > 1.
    const d = demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0.75, 0.8], NOW)], llama());
    expect(judge(busy, d)).toEqual({
      signal: "liveDemand",
      reason:
        "GPU 0 would run at 105 % of its compute with this pod (75 % for the pods already there, 30 % for this one); demand.maxUtilisation is 100 %",
      unresolvable: false,
    });
  });

  it("takes the node at exactly 100 %, and always where the pod gets a GPU of its own", () => {
    // 0.7 + 0.3 = 1.0: not above the limit (it scores 0 for headroom, but fits).
    expect(judge(busy, demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0.7, 0.8], NOW)], llama()))).toBeNull();
    // A node with an empty GPU: device choice gives the pod that one, 0 + 0.3.
    expect(judge(node, demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0.99, 0], NOW)], llama()))).toBeNull();
    // Alone on a GPU even a pod forecast at 0.9 counts only up to the 0.85 target: 0.85 ≤ 1.
    const heavy = [modelDemand("llama", 1.8, 2, NOW)];
    expect(judge(node, demandSnapshot(NOW, [nodeTelemetry("gpu-1", [0, 0], NOW)], heavy))).toBeNull();
  });

  it("never refuses without fresh data, nor when set to null", () => {
    const hot = [0.95, 0.95];
    expect(judge(busy, demandSnapshot(NOW, [nodeTelemetry("gpu-1", hot, NOW - 120_000)], llama()))).toBeNull();
    expect(judge(busy, demandSnapshot(NOW, [], llama()))).toBeNull();
    expect(judge(busy, demandSnapshot(NOW, [nodeTelemetry("gpu-1", hot, NOW)], llama()), null)).toBeNull();
    expect(judge(busy, demandSnapshot(NOW, [nodeTelemetry("gpu-1", hot, NOW)], llama()))).not.toBeNull();
  });
});
