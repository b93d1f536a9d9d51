/**
 * Inference services on a node pool, their replicas scaled statically for the peak or following
 * tierfit's forecast, placed by the policy (inference/simulate.ts has the model). Optionally also
 * the smallest cluster that hosts the workload within the scenario's SLO budget: a binary search
 * over the pool size (its first n nodes keep the pool's mix, node-pool.ts), re-running the same
 * load each time, so it multiplies the run time by about log2(pool size).
 */
import type { NodeView } from "../../src/cluster/types.js";
import { gpuCount, poolNodeViews } from "../cluster/node-pool.js";
import { parsePolicyLabel } from "../scenario/policy-label.js";
import type { ScalingMode } from "../scenario/schema.js";
import type { InferenceScenario } from "../scenario/types.js";
import { prepareServices } from "./inference/prepare.js";
import { type InferenceOutcome, simulateInference } from "./inference/simulate.js";
import { policyFor } from "./policies.js";

export type { InferenceOutcome } from "./inference/simulate.js";

export function runInference(
  scenario: InferenceScenario,
  label: string,
  seed: number,
  onProgress?: (fraction: number) => void,
): InferenceOutcome {
  const { policy, scaling } = parsePolicyLabel(label);
  const mode: ScalingMode = scaling ?? scenario.inference.scaling;
  const services = prepareServices(scenario, seed);
  const views = poolNodeViews(scenario.cluster.nodes, scenario.config);
  const search = scenario.inference.smallestCluster;
  const simulate = (nodes: readonly NodeView[], progress?: (f: number) => void) =>
    simulateInference({
      scenario,
      services,
      // A fresh policy per simulation: a random policy's stream starts over with the seed.
      policy: policyFor(policy, scenario.config, { seed }),
      scaling: mode,
      views: nodes,
      onProgress: progress,
    });
  if (!search.enabled) return simulate(views, onProgress);

  const probes = Math.ceil(Math.log2(Math.max(2, views.length))) + 1;
  const main = simulate(views, onProgress && ((f) => onProgress(f / probes)));
  const smallest = smallestCluster(views, search.sloBudgetSeconds, main, (n, i) =>
    simulate(views.slice(0, n), onProgress && ((f) => onProgress(Math.min(1, (i + f) / probes)))),
  );
  const metrics = { ...main.metrics };
  if (smallest !== null) {
    metrics.smallestClusterNodes = smallest;
    metrics.smallestClusterGpus = gpuCount(views.slice(0, smallest));
  }
  onProgress?.(1);
  return { ...main, metrics };
}

/**
 * The fewest nodes (a prefix of the pool) whose run stays within the SLO budget, assuming a larger
 * cluster never does worse; null when even the whole pool misses it.
 */
export function smallestCluster(
  views: readonly NodeView[],
  budgetSeconds: number,
  whole: InferenceOutcome,
  simulate: (nodes: number, probe: number) => InferenceOutcome,
): number | null {
  const within = (o: InferenceOutcome) => o.metrics.sloViolationSeconds <= budgetSeconds;
  if (!within(whole)) return null;
  let lo = 1;
  let hi = views.length;
  let probe = 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (within(simulate(mid, probe++))) hi = mid;
    else lo = mid + 1;
  }
  return hi;
}
