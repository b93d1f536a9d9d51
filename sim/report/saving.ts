/**
 * The headline: what each policy saves against the scenario's baseline (kube-default, or what a
 * careful operator runs today), seed by seed (runs of one seed see the same load). A timed
 * scenario saves GPU-hours provisioned; the FGD replay has a fixed cluster and no time, so there a
 * policy saves GPUs: fewer left unallocated when the cluster is full.
 */
import type { RunResult } from "../results.js";
import type { ScenarioKind } from "../scenario/schema.js";

export interface SavingRule {
  /** The policy every other one is compared with. */
  readonly baseline: string;
  /** Why the baseline is the one to beat, in a few words. */
  readonly why: string;
  /** The metric compared, lower is better. */
  readonly from: string;
  /** Metric names of the saving, absolute and as a percentage of the baseline's figure. */
  readonly saved: string;
  readonly savedPercent: string;
  /** What there is less of, for sentences: "GPU-hours provisioned". */
  readonly phrase: string;
}

const GPU_HOURS = {
  from: "gpuHoursProvisioned",
  saved: "gpuHoursSaved",
  savedPercent: "gpuHoursSavedPercent",
  phrase: "GPU-hours provisioned",
};
const KUBE_DEFAULT = { baseline: "kube-default", why: "kube-scheduler's default scoring" };

const RULES: Readonly<Record<ScenarioKind, SavingRule>> = {
  "openb-fgd": {
    ...KUBE_DEFAULT,
    from: "unallocatedGpus",
    saved: "gpusSaved",
    savedPercent: "gpusSavedPercent",
    phrase: "GPUs left unallocated",
  },
  "openb-timed": { ...KUBE_DEFAULT, ...GPU_HOURS },
  synthetic: { ...KUBE_DEFAULT, ...GPU_HOURS },
  inference: {
    baseline: "kube-default+static-peak",
    why: "today's practice: replicas sized for the busiest minute, placed by kube-scheduler",
    ...GPU_HOURS,
  },
  fleet: {
    baseline: "kube-default+reactive",
    why: "today's practice: an HPA with kube-scheduler's placement",
    ...GPU_HOURS,
  },
};

export function savingRule(kind: ScenarioKind | undefined): SavingRule | undefined {
  return kind === undefined ? undefined : RULES[kind];
}

/** The rule when its baseline ran (and reports the compared metric); otherwise undefined. */
export function applicableRule(kind: ScenarioKind | undefined, runs: readonly RunResult[]): SavingRule | undefined {
  const rule = savingRule(kind);
  if (rule === undefined) return undefined;
  const ran = runs.some((r) => r.policy === rule.baseline && typeof r.metrics[rule.from] === "number");
  return ran ? rule : undefined;
}

/**
 * The runs with the saving added to each run's metrics (the baseline's own runs save 0). A run
 * whose seed the baseline did not run gets no saving.
 */
export function withSavings(kind: ScenarioKind | undefined, runs: readonly RunResult[]): RunResult[] {
  const rule = applicableRule(kind, runs);
  if (rule === undefined) return [...runs];
  const base = new Map(runs.filter((r) => r.policy === rule.baseline).map((r) => [r.seed, r.metrics[rule.from]]));
  return runs.map((run) => {
    const b = base.get(run.seed);
    const own = run.metrics[rule.from];
    if (b === undefined || own === undefined) return run;
    const saved = b - own;
    const metrics = { ...run.metrics, [rule.saved]: saved, [rule.savedPercent]: b > 0 ? (100 * saved) / b : 0 };
    return { ...run, metrics };
  });
}
