/** Shared by the sweep tests: the tiny scenario and a shard file built from plain data. */
import { fileURLToPath } from "node:url";
import type { RunResult } from "../../../sim/results.js";
import { loadScenario } from "../../../sim/scenario/load.js";
import type { Scenario } from "../../../sim/scenario/types.js";
import { planSweep } from "../../../sim/sweep/plan.js";
import { shardRuns } from "../../../sim/sweep/shard.js";
import { SHARD_FORMAT, type ShardFile } from "../../../sim/sweep/shard-file.js";

export const TINY_SCENARIO_PATH = fileURLToPath(new URL("./fixtures/tiny-synthetic.yaml", import.meta.url));

export function tinyScenario(): Scenario {
  return loadScenario(TINY_SCENARIO_PATH);
}

/** A RunResult whose metric records which run it is, so a mixed-up merge shows. */
export function fakeRun(scenario: string, policy: string, seed: number): RunResult {
  return {
    scenario,
    policy,
    seed,
    metrics: { gpuAllocationRatio: seed / 100, isolationViolations: policy.length },
    perTier: {},
    series: { t: [0, 60], provisionedGpus: [8, 8], allocatedGpus: [4, 6], usedGpus: [3, 5] },
    wallSeconds: 0.01,
  };
}

/** Shard `index` of `count` of a policies × seeds sweep, with fake results. */
export function fakeShard(
  index: number,
  count: number,
  policies: readonly string[] = ["a", "b"],
  seeds: readonly number[] = [1, 2, 3],
  scenario = "unit",
): ShardFile {
  const plan = planSweep(scenario, policies, seeds);
  return {
    format: SHARD_FORMAT,
    scenario,
    description: "a unit test sweep",
    kind: "synthetic",
    shard: { index, count },
    sweep: plan.runs.map(({ policy, seed }) => ({ policy, seed })),
    runs: shardRuns(plan.runs, { index, count }).map((r) => fakeRun(scenario, r.policy, r.seed)),
  };
}

/** The meaning of a run's result: everything but the wall-clock time it took. */
export function withoutTiming(runs: readonly RunResult[]): Omit<RunResult, "wallSeconds">[] {
  return runs.map(({ wallSeconds: _w, ...rest }) => rest);
}
