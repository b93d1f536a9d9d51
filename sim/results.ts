import type { ScenarioKind } from "./scenario/schema.js";

/**
 * What one simulation run produces, and what a sweep of runs (policy × seed) writes out. Shared by
 * the runner, the worker threads, shard merging and the reports.
 */

/** Sampled over simulated time; GPUs in whole-GPU equivalents. */
export interface RunSeries {
  /** Simulated seconds since the start. */
  readonly t: number[];
  /** GPUs the cluster keeps powered for the workload (nodes in use, or replicas provisioned). */
  readonly provisionedGpus: number[];
  /** GPUs allocated to pods by the scheduler. */
  readonly allocatedGpus: number[];
  /** GPUs the workload actually needs at that moment (its live demand). */
  readonly usedGpus: number[];
}

export interface RunResult {
  readonly scenario: string;
  readonly policy: string;
  readonly seed: number;
  /** Headline figures, camelCase (gpuAllocationRatio, overprovisioningRatio, …); see sim/metrics. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Per isolation tier: metric name → value (e.g. gpuUtilisation). */
  readonly perTier: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** openb-fgd only: GPU allocation ratio (0..1) per integer arrived-workload percentage; null where no pod arrived in that bucket. */
  readonly allocationByArrival?: readonly (number | null)[];
  readonly series: RunSeries;
  /** Wall-clock seconds the run took (for the benchmark; not part of the result's meaning). */
  readonly wallSeconds: number;
}

/**
 * summary.json: every run's metrics, without the time series (those go to CSV). Each run's
 * metrics include its saving against `baseline` (gpuHoursSaved or gpusSaved, and the percentage),
 * the figures report.html and the terminal table show under the same names.
 */
export interface SimulationSummary {
  readonly scenario: string;
  readonly description: string;
  /** Absent for shard files written before kinds were recorded. */
  readonly kind?: ScenarioKind;
  /** The policy savings are measured against; null when the kind has none or it did not run. */
  readonly baseline: string | null;
  readonly runs: readonly Omit<RunResult, "series">[];
}

export interface SweepIdentity {
  readonly scenario: string;
  readonly description: string;
  readonly kind?: ScenarioKind;
}

export function summarise(
  sweep: SweepIdentity,
  baseline: string | null,
  runs: readonly RunResult[],
): SimulationSummary {
  const { scenario, description, kind } = sweep;
  return { scenario, description, kind, baseline, runs: runs.map(({ series: _series, ...rest }) => rest) };
}
