/**
 * The scenario `tierfit simulate` runs with no file: a small inference comparison that finishes
 * every policy × seed in seconds. Its data paths point into the package's config/scenarios.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveScenario } from "./resolve.js";
import { ScenarioError } from "./scenario-error.js";
import type { Scenario } from "./types.js";

const CONV = "data/azure-llm-inference/AzureLLMInferenceTrace_conv.csv";
const CODE = "data/azure-llm-inference/AzureLLMInferenceTrace_code.csv";
const LLAMA_8B = {
  weightsMiB: 15320,
  kvCacheMiBPerToken: 0.125,
  maxTokensPerSecondPerGpu: 2500,
  maxConcurrentPerReplica: 64,
  tokensPerSecondPerRequest: 40,
};
const MISTRAL_7B = {
  weightsMiB: 13800,
  kvCacheMiBPerToken: 0.125,
  maxTokensPerSecondPerGpu: 2800,
  maxConcurrentPerReplica: 64,
  tokensPerSecondPerRequest: 45,
};

export const DEFAULT_SCENARIO = {
  name: "default-inference",
  description:
    "A small inference day: three LLM services of three tenants at two isolation tiers on six " +
    "eight-GPU A100 nodes, load shaped like the Azure LLM traces over a daily cycle (a warm-up " +
    "half-day, then one measured day). kube-default+static-peak is today's practice (replicas " +
    "fixed for the busiest minute, kube-scheduler's spreading); kube-default+forecast scales the " +
    "same placement to tierfit's forecast; tierfit+static-peak and tierfit+forecast place with " +
    "tierfit's scoring. " +
    "Replicas carry the latency-sensitive workload class (spread over a node's GPUs, so replicas " +
    "do not share one GPU's compute). " +
    "GPU-hours provisioned count nodes running at least one replica; used is what the load needs.",
  kind: "inference",
  policies: ["kube-default+static-peak", "kube-default+forecast", "tierfit+static-peak", "tierfit+forecast"],
  seeds: [1, 2],
  cluster: {
    nodes: [
      { name: "runc", count: 4, gpus: 8, product: "NVIDIA-A100-SXM4-80GB", tier: "shared-kernel" },
      { name: "kata", count: 2, gpus: 8, product: "NVIDIA-A100-SXM4-80GB", tier: "hypervisor" },
    ],
  },
  inference: {
    durationSeconds: 86_400,
    warmupSeconds: 43_200,
    forecast: { intervalSeconds: 600, seasonSeconds: null, historySeconds: 43_200 },
    services: [
      {
        name: "chat-8b",
        trace: CONV,
        meanRequestsPerSecond: 16,
        diurnal: { amplitude: 0.7, peakHour: 14 },
        tier: "shared-kernel",
        tenant: "team-chat",
        workloadClass: "latency-sensitive",
        profile: LLAMA_8B,
      },
      {
        name: "code-8b",
        trace: CODE,
        meanRequestsPerSecond: 10,
        diurnal: { amplitude: 0.8, peakHour: 11 },
        tier: "shared-kernel",
        tenant: "team-code",
        workloadClass: "latency-sensitive",
        profile: LLAMA_8B,
      },
      {
        name: "partner-7b",
        trace: CONV,
        meanRequestsPerSecond: 3,
        diurnal: { amplitude: 0.5, peakHour: 10 },
        tier: "hypervisor",
        tenant: "partner-a",
        workloadClass: "latency-sensitive",
        profile: MISTRAL_7B,
      },
    ],
  },
} as const;

export function defaultScenario(): Scenario {
  const { scenario, problems } = resolveScenario(structuredClone(DEFAULT_SCENARIO), { baseDir: scenariosDir() });
  if (scenario === undefined) throw new ScenarioError("the built-in default scenario", problems);
  return scenario;
}

/** config/scenarios of the package, found upwards from this module (sources and the build nest differently). */
function scenariosDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "config", "scenarios");
    if (existsSync(join(candidate, "data"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find config/scenarios above the simulator's modules");
    dir = parent;
  }
}
