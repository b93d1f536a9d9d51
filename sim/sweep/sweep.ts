/**
 * One sweep from a loaded scenario: choose policies and seeds, plan every (policy, seed) run, keep
 * this shard's slice, execute it. The CLI, the README figures and the benchmark all start here.
 */
import type { RunResult } from "../results.js";
import type { Scenario } from "../scenario/types.js";
import { type Execution, executeRuns } from "./execute.js";
import { type PlannedRun, planSweep, type SweepPlan } from "./plan.js";
import type { SweepProgress } from "./progress.js";
import { selectPolicies, selectSeeds } from "./selection.js";
import { type ShardSpec, shardRuns } from "./shard.js";

export interface SweepRequest {
  readonly scenario: Scenario;
  /** --policies text (comma-separated labels); the scenario's own when absent. */
  readonly policies?: string;
  /** --seeds text (a count, or a comma-separated list); the scenario's own when absent. */
  readonly seeds?: string;
  readonly shard?: ShardSpec;
  readonly workers?: number;
  readonly progress: SweepProgress;
  /** The worker script; see ExecuteOptions. */
  readonly workerUrl?: URL | null;
}

export interface SweepOutcome {
  /** The whole sweep, whatever the shard. */
  readonly plan: SweepPlan;
  /** The runs executed (the shard's slice, or all). */
  readonly runs: readonly PlannedRun[];
  /** In the order of `runs`. */
  readonly results: RunResult[];
  readonly execution: Execution;
}

/** Parses the selections and plans; throws TierfitError on a bad --policies or --seeds before anything runs. */
export function planFor(scenario: Scenario, policies?: string, seeds?: string): SweepPlan {
  return planSweep(scenario.name, selectPolicies(policies, scenario), selectSeeds(seeds, scenario.seeds));
}

export async function runSweep(request: SweepRequest): Promise<SweepOutcome> {
  const plan = planFor(request.scenario, request.policies, request.seeds);
  const runs = request.shard ? shardRuns(plan.runs, request.shard) : plan.runs;
  // The runner accepts only the scenario's own policies: an override becomes the scenario's list.
  const scenario: Scenario = {
    ...request.scenario,
    policies: [...new Set(plan.runs.map((r) => r.policy))],
    seeds: [...new Set(plan.runs.map((r) => r.seed))],
  };
  const execution = await executeRuns(scenario, runs, {
    workers: request.workers,
    progress: request.progress,
    workerUrl: request.workerUrl,
  });
  return { plan, runs, results: execution.results, execution };
}
