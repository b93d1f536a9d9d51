/**
 * tierfit's placement of inference replicas on a small diurnal scenario: two services of two
 * tenants on four eight-GPU nodes. Forecast scaling with tierfit's placement must keep fewer GPUs
 * powered than today's practice (static peak sizing, kube's spreading) without leaving load
 * unserved, and its device choice must keep bin-packed replicas off GPUs without headroom.
 */
import { describe, expect, it } from "vitest";
import { runOne } from "../../../sim/run-one.js";
import { resolveScenario } from "../../../sim/scenario/resolve.js";
import type { InferenceScenario } from "../../../sim/scenario/types.js";

const POLICIES = ["kube-default+static-peak", "tierfit+static-peak", "tierfit+forecast"];

/** Llama-3-8B-like replicas, as in config/scenarios/inference-diurnal.yaml. */
function service(name: string, trace: string, rps: number, peakHour: number, workloadClass: string) {
  return {
    name,
    trace: `data/azure-llm-inference/AzureLLMInferenceTrace_${trace}.csv`,
    meanRequestsPerSecond: rps,
    diurnal: { amplitude: 0.8, peakHour },
    tier: "shared-kernel",
    tenant: `team-${name}`,
    workloadClass,
    profile: {
      weightsMiB: 15_320,
      kvCacheMiBPerToken: 0.125,
      maxTokensPerSecondPerGpu: 2500,
      maxConcurrentPerReplica: 64,
      tokensPerSecondPerRequest: 40,
    },
  };
}

function scenario(workloadClass: string): InferenceScenario {
  const { scenario: s, problems } = resolveScenario(
    {
      name: "inference-consolidation",
      description: "two services of two tenants on four eight-GPU nodes, a quarter-day warm-up then one day",
      kind: "inference",
      policies: POLICIES,
      seeds: [1],
      cluster: { nodes: [{ name: "g", count: 4, gpus: 8, tier: "shared-kernel" }] },
      inference: {
        durationSeconds: 86_400,
        warmupSeconds: 21_600,
        forecast: {
          intervalSeconds: 600,
          seasonSeconds: null,
          historySeconds: 21_600,
          historyStepSeconds: 600,
          backtestPoints: 8,
        },
        services: [service("chat", "conv", 16, 14, workloadClass), service("code", "code", 8, 11, workloadClass)],
      },
    },
    { baseDir: "config/scenarios" },
  );
  expect(problems).toEqual([]);
  return s as InferenceScenario;
}

function metrics(s: InferenceScenario) {
  return Object.fromEntries(POLICIES.map((p) => [p, runOne({ scenario: s, policy: p, seed: 1 }).metrics]));
}

describe("tierfit consolidates inference replicas safely", () => {
  it("forecast scaling keeps fewer GPUs powered than static peak with kube's spreading, and serves all load", () => {
    const m = metrics(scenario("latency-sensitive"));
    const kube = m["kube-default+static-peak"];
    const peak = m["tierfit+static-peak"];
    const forecast = m["tierfit+forecast"];
    expect(forecast.gpuHoursUsed).toBeCloseTo(kube.gpuHoursUsed, 9); // the same load
    // kube spreads its 5 replicas over all 4 nodes (32 GPUs) all day; tierfit keeps 1 node
    // (consolidation ranks an idle node's 8 GPUs below a powered node's free ones).
    expect(kube.gpuHoursProvisioned).toBe(768);
    expect(forecast.gpuHoursProvisioned).toBe(192);
    // New replicas land on the powered nodes' free GPUs rather than on idle nodes: no more than
    // static peak, which places all its replicas at once.
    expect(forecast.gpuHoursProvisioned).toBeLessThanOrEqual(peak.gpuHoursProvisioned);
    expect(forecast.sloViolationSeconds).toBe(0);
    expect(forecast.sloViolationSeconds).toBeLessThanOrEqual(kube.sloViolationSeconds);
    expect(forecast.isolationViolations).toBe(0);
  });

  it("bin-packed replicas share a GPU only where its compute has headroom for their forecast load", () => {
    const m = metrics(scenario("default"));
    // Static peak places every replica before any load is seen: packed by memory, they share
    // GPUs whose compute they then overrun.
    expect(m["tierfit+static-peak"].sloViolationSeconds).toBeGreaterThan(3600);
    // With telemetry and forecasts, device choice steers each new replica to a GPU with headroom.
    expect(m["tierfit+forecast"].sloViolationSeconds).toBe(0);
    expect(m["tierfit+forecast"].unservedRequestFraction).toBe(0);
  });
});
