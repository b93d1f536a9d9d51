/**
 * vLLM's /metrics → one server reading per model. Gauges `vllm:num_requests_running`,
 * `vllm:num_requests_waiting` (summed over engines), `vllm:kv_cache_usage_perc` or the older
 * `vllm:gpu_cache_usage_perc` (0..1, mean over engines); counters `vllm:request_success_total`
 * (all `finished_reason`s), `vllm:prompt_tokens_total`, `vllm:generation_tokens_total`.
 * Labels: `model_name`, `engine` (data-parallel engines of one server).
 */
import type { Sample } from "./exposition.js";
import { meanOrNull, nodeFromLabels, type ServerReading, seriesId, sumOrNull } from "./readings.js";

export const VLLM_METRICS = {
  running: "vllm:num_requests_running",
  waiting: "vllm:num_requests_waiting",
  kvCache: "vllm:kv_cache_usage_perc",
  kvCacheLegacy: "vllm:gpu_cache_usage_perc",
  requests: "vllm:request_success_total",
  promptTokens: "vllm:prompt_tokens_total",
  generationTokens: "vllm:generation_tokens_total",
} as const;

type Metric = keyof typeof VLLM_METRICS;
const METRIC_OF = new Map<string, Metric>(Object.entries(VLLM_METRICS).map(([k, v]) => [v, k as Metric]));
const COUNTERS = new Set<Metric>(["requests", "promptTokens", "generationTokens"]);

interface ServerAcc {
  model: string;
  node: string | null;
  gauges: Record<"running" | "waiting" | "kvCache" | "kvCacheLegacy", number[]>;
  counters: Record<"requests" | "promptTokens" | "generationTokens", string[]>;
}

export function readVllm(
  samples: readonly Sample[],
  nodeOverride: string | null,
  counters: Map<string, number>,
): ServerReading[] {
  const servers = new Map<string, ServerAcc>();
  for (const s of samples) {
    const metric = METRIC_OF.get(s.name);
    const model = s.labels.model_name;
    if (metric === undefined || !model || !Number.isFinite(s.value)) continue;
    const node = nodeOverride ?? nodeFromLabels(s.labels);
    const key = `${model}|${node ?? ""}`;
    let acc = servers.get(key);
    if (acc === undefined) {
      acc = {
        model,
        node,
        gauges: { running: [], waiting: [], kvCache: [], kvCacheLegacy: [] },
        counters: { requests: [], promptTokens: [], generationTokens: [] },
      };
      servers.set(key, acc);
    }
    if (COUNTERS.has(metric)) {
      const id = seriesId(s.name, s.labels);
      counters.set(id, s.value);
      acc.counters[metric as keyof ServerAcc["counters"]].push(id);
    } else {
      acc.gauges[metric as keyof ServerAcc["gauges"]].push(s.value);
    }
  }
  return [...servers.values()].map((acc) => ({
    source: "vllm",
    model: acc.model,
    node: acc.node,
    running: sumOrNull(acc.gauges.running),
    waiting: sumOrNull(acc.gauges.waiting),
    // Versions that export both report the same value; the newer name wins.
    kvUtil: meanOrNull(acc.gauges.kvCache.length > 0 ? acc.gauges.kvCache : acc.gauges.kvCacheLegacy),
    counters: {
      requests: acc.counters.requests,
      promptTokens: acc.counters.promptTokens,
      generationTokens: acc.counters.generationTokens,
      queueMicros: [],
    },
  }));
}
