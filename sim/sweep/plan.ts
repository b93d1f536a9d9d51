/**
 * A sweep: every (policy, seed) pair of a scenario, in a fixed order (policy-major, as the
 * scenario lists them), so shards, workers and merges all agree on which run is which.
 */

export interface PlannedRun {
  /** Position in the whole sweep; shard assignment and result order follow it. */
  readonly index: number;
  readonly policy: string;
  readonly seed: number;
}

export interface SweepPlan {
  readonly scenario: string;
  readonly runs: readonly PlannedRun[];
}

export function planSweep(scenario: string, policies: readonly string[], seeds: readonly number[]): SweepPlan {
  const runs = policies.flatMap((policy, p) => seeds.map((seed, s) => ({ index: p * seeds.length + s, policy, seed })));
  return { scenario, runs };
}

/** How a run is named in progress lines and errors: `fgd seed 42`. */
export function runLabel(run: Pick<PlannedRun, "policy" | "seed">): string {
  return `${run.policy} seed ${run.seed}`;
}

/** A key that identifies a run within its scenario. */
export function runKey(run: Pick<PlannedRun, "policy" | "seed">): string {
  return `${run.policy}\u0000${run.seed}`;
}
