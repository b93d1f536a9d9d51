/**
 * Inference runs: the serving model by hand, SLO accounting on a hand-made overload, forecast
 * scaling against static peak sizing on a diurnal load, and the smallest-cluster search.
 */
import { describe, expect, it } from "vitest";
import { runOne } from "../../../sim/run-one.js";
import { replicaCapacityRps, serve } from "../../../sim/runs/inference/serving.js";
import { peakSizing, rescale } from "../../../sim/runs/inference/sizing.js";
import { smallestCluster } from "../../../sim/runs/inference.js";
import { resolveScenario } from "../../../sim/scenario/resolve.js";
import type { InferenceScenario } from "../../../sim/scenario/types.js";
import type { ModelProfile } from "../../../src/metrics/forecast/capacity.js";

const DATA = "config/scenarios";
/** 10 GB of weights, 0.5 MiB of KV per token, 1,000 tokens/s per GPU, 10 requests at once, 20 tokens/s per stream. */
const profile: ModelProfile = {
  weightsMiB: 10_000,
  kvCacheMiBPerToken: 0.5,
  maxTokensPerSecondPerGpu: 1000,
  maxConcurrentPerReplica: 10,
  tokensPerSecondPerRequest: 20,
  gpuMemoryMiB: 81_920,
};
/** 100 prompt + 100 generated tokens: a request lasts 5 s and holds 100 MiB of KV cache. */
const load = { rps: 5, contextTokens: 100, generatedTokens: 100 };

describe("the serving model", () => {
  it("caps a replica by KV room, batch size and compute", () => {
    // 500 MiB of room holds 5 requests → 1 rps; the batch limit (10 in flight) → 2 rps; compute
    // 1000 / 100 tokens → 10 rps.
    expect(replicaCapacityRps(profile, 10_500, load)).toBeCloseTo(1, 12);
    expect(replicaCapacityRps(profile, 11_000, load)).toBeCloseTo(2, 12);
    expect(replicaCapacityRps(profile, 50_000, load)).toBeCloseTo(2, 12);
    expect(replicaCapacityRps({ ...profile, maxTokensPerSecondPerGpu: 150 }, 50_000, load)).toBeCloseTo(1.5, 12);
  });

  it("serves up to the replicas' capacity, spread in proportion to it", () => {
    const replicas = [
      { memoryMiB: 10_500, device: "n1#0", node: "n1" },
      { memoryMiB: 11_000, device: "n1#1", node: "n1" },
      { memoryMiB: 20_000, device: null, node: null }, // waiting for a place: serves nothing
    ];
    const s = serve([{ profile, load, replicas }]);
    expect(s.served[0]).toBeCloseTo(3, 12);
    expect(s.replicaRps[0]).toEqual([1, 2, 0]);
    // Each device generates 100 tokens per request served: 100/1000 and 200/1000 of a GPU.
    expect(s.deviceDemand.get("n1#0")).toBeCloseTo(0.1, 12);
    expect(s.deviceDemand.get("n1#1")).toBeCloseTo(0.2, 12);
  });

  it("slows replicas that over-commit one device's compute", () => {
    // At 250 tokens/s per GPU both replicas still carry 1 and 2 rps (compute cap 2.5 each), but
    // on one device they ask for (1 + 2) × 100 / 250 = 1.2 GPUs: each runs at 1 / 1.2.
    const slow = { ...profile, maxTokensPerSecondPerGpu: 250 };
    const replicas = [
      { memoryMiB: 10_500, device: "n1#0", node: "n1" },
      { memoryMiB: 11_000, device: "n1#0", node: "n1" },
    ];
    const s = serve([{ profile: slow, load, replicas }]);
    expect(s.deviceDemand.get("n1#0")).toBeCloseTo(1.2, 12);
    expect(s.served[0]).toBeCloseTo(2.5, 12);
  });
});

describe("replica sizing", () => {
  it("sizes static peak for the worst bin", () => {
    const series = {
      binSeconds: 60,
      rps: Float64Array.from([2, 8, 4]),
      contextTokens: Float64Array.from([100, 100, 100]),
      generatedTokens: Float64Array.from([100, 100, 100]),
    };
    // At 8 rps: 40 requests in flight → 4 replicas by the batch limit; 4,000 MiB of KV cache.
    const peak = peakSizing(series, profile, 0);
    expect(peak.replicas).toBe(4);
    expect(peak.memoryMiB).toBeCloseTo(10_000 + 4000 / 4, 9);
  });

  it("adds replicas until capacity covers the target, and removes the least useful first", () => {
    // Target 8 rps: replicas of 11,000 MiB carry 2 rps each. One exists; three more are needed.
    const one = [{ key: "a", ordinal: 0, memoryMiB: 11_000, placed: true }];
    expect(rescale(one, { ...load, rps: 8 }, profile)).toEqual({ add: [11_000, 11_000, 11_000], remove: [] });
    // Target 3 rps with four 2-rps replicas, one of them unplaced: the unplaced one goes first,
    // then the newest of the rest; two remain (4 rps ≥ 3).
    const four = [
      { key: "a", ordinal: 0, memoryMiB: 11_000, placed: true },
      { key: "b", ordinal: 1, memoryMiB: 11_000, placed: true },
      { key: "c", ordinal: 2, memoryMiB: 11_000, placed: true },
      { key: "d", ordinal: 3, memoryMiB: 11_000, placed: false },
    ];
    expect(rescale(four, { ...load, rps: 3 }, profile)).toEqual({ add: [], remove: ["d", "c"] });
  });
});

function scenario(service: Record<string, unknown>, cluster: unknown, policies: string[]): InferenceScenario {
  const { scenario: s, problems } = resolveScenario(
    {
      name: "inference-test",
      description: "a small hand-made inference scenario",
      kind: "inference",
      policies,
      seeds: [1],
      cluster,
      inference: {
        durationSeconds: 86_400,
        warmupSeconds: 21_600,
        forecast: { intervalSeconds: 900, seasonSeconds: null, historySeconds: 21_600, backtestPoints: 8 },
        services: [
          {
            name: "chat",
            trace: "data/azure-llm-inference/AzureLLMInferenceTrace_conv.csv",
            meanRequestsPerSecond: 40,
            diurnal: { amplitude: 0.9, peakHour: 14 },
            tier: "shared-kernel",
            tenant: "team",
            profile: {
              weightsMiB: 45_000,
              kvCacheMiBPerToken: 0.125,
              maxTokensPerSecondPerGpu: 2500,
              maxConcurrentPerReplica: 64,
              tokensPerSecondPerRequest: 40,
            },
            ...service,
          },
        ],
      },
    },
    { baseDir: DATA },
  );
  expect(problems).toEqual([]);
  return s as InferenceScenario;
}

describe("inference runs", () => {
  it("provision fewer GPU-hours with forecast scaling than with static peak sizing on a diurnal load", () => {
    // 45 GB of weights: one replica per 80 GB GPU, one GPU per node, so GPUs provisioned =
    // replicas placed, whatever the policy.
    const s = scenario({}, { nodes: [{ name: "g", count: 16, gpus: 1, tier: "shared-kernel" }] }, [
      "tierfit+static-peak",
      "tierfit+forecast",
    ]);
    const peak = runOne({ scenario: s, policy: "tierfit+static-peak", seed: 1 }).metrics;
    const forecast = runOne({ scenario: s, policy: "tierfit+forecast", seed: 1 }).metrics;
    expect(peak.gpuHoursUsed).toBeCloseTo(forecast.gpuHoursUsed, 9); // same load
    expect(peak.gpuHoursProvisioned).toBe(peak.peakGpusProvisioned * 24);
    expect(forecast.gpuHoursProvisioned).toBeLessThan(0.8 * peak.gpuHoursProvisioned);
    expect(forecast.overprovisioningRatio).toBeLessThan(peak.overprovisioningRatio);
    expect(forecast.meanReplicas).toBeLessThan(peak.meanReplicas);
    expect(peak.sloViolationSeconds).toBe(0);
  });

  it("counts every second of an overload as SLO violation", () => {
    // One GPU for a service that needs several replicas at every minute of the day: one replica
    // runs, the rest wait, and the load exceeds what one replica serves all day long.
    const s = scenario(
      { diurnal: { amplitude: 0 } },
      { nodes: [{ name: "g", count: 1, gpus: 1, tier: "shared-kernel" }] },
      ["tierfit+static-peak"],
    );
    const m = runOne({ scenario: s, policy: "tierfit+static-peak", seed: 1 }).metrics;
    expect(m.sloViolationSeconds).toBe(86_400);
    expect(m.unservedRequestFraction).toBeGreaterThan(0.5);
    expect(m.gpuHoursProvisioned).toBe(24);
    expect(m.peakGpusProvisioned).toBe(1);
  });
});

describe("the smallest-cluster search", () => {
  const outcome = (violation: number) => ({
    metrics: { sloViolationSeconds: violation },
    perTier: {},
    series: { t: [], provisionedGpus: [], allocatedGpus: [], usedGpus: [] },
  });
  const views = Array.from({ length: 20 }, (_, i) => ({ name: `n${i}` })) as never[];

  it("finds the fewest nodes within the budget in about log2(n) runs", () => {
    const probed: number[] = [];
    const found = smallestCluster(views, 60, outcome(0), (n) => {
      probed.push(n);
      return outcome(n >= 13 ? 30 : 600);
    });
    expect(found).toBe(13);
    expect(probed.length).toBeLessThanOrEqual(5);
  });

  it("gives up when even the whole pool misses the budget", () => {
    expect(smallestCluster(views, 60, outcome(61), () => outcome(0))).toBeNull();
  });
});
