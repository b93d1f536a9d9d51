/**
 * Which metrics a report shows for each kind of scenario, in every table and chart alike: what the
 * kind is about (the FGD experiment: allocation and fragmentation at a fixed cluster; timed runs:
 * provisioning and waiting; inference: GPU-hours against the SLO). A metric that means nothing for
 * a kind is left out (a replay without time has no GPU-hours; an autoscaled pool's allocation ratio
 * is GPU-hours used over an idle cluster's, so it is left out too).
 */
import type { RunResult } from "../results.js";
import type { ScenarioKind } from "../scenario/schema.js";

const RESULTS: Readonly<Record<ScenarioKind, readonly string[]>> = {
  "openb-fgd": [
    "gpuAllocationRatio",
    "unallocatedGpus",
    "fragmentationRateAt100",
    "fragmentationAmountAt100",
    "failedPods",
  ],
  "openb-timed": [
    "gpuHoursProvisioned",
    "overprovisioningRatio",
    "peakGpusProvisioned",
    "pendingSecondsP95",
    "failedPods",
  ],
  synthetic: ["gpuHoursProvisioned", "overprovisioningRatio", "fragmentationRate", "pendingSecondsP95", "failedPods"],
  inference: [
    "gpuHoursProvisioned",
    "overprovisioningRatio",
    "peakGpusProvisioned",
    "sloViolationSeconds",
    "smallestClusterGpus",
  ],
  fleet: ["gpuHoursProvisioned", "gpuHoursUsed", "peakGpusProvisioned", "sloViolationFraction", "coldStarts"],
};

/** Isolation, for every kind: placements that broke a rule, then which rule. */
const ISOLATION = ["isolationViolations", "tierViolations", "sharingViolations"] as const;

/** Per tier, for the kinds that report tiers. */
const PER_TIER = ["gpuHoursProvisioned", "gpuHoursUsed", "gpuUtilisation", "sloViolationFraction", "coldStarts"];

type Runs = readonly Pick<RunResult, "metrics">[];

const inEveryRun = (runs: Runs) => (m: string) => runs.length > 0 && runs.every((r) => m in r.metrics);

/** Shown when the kind is not known (a shard file written before kinds were recorded). */
const ANY_KIND = ["gpuHoursProvisioned", "overprovisioningRatio", "gpuAllocationRatio", "failedPods"];

/** The results table's metrics for `kind`, those every run reports. */
export function resultMetrics(kind: ScenarioKind | undefined, runs: Runs): string[] {
  return (kind === undefined ? ANY_KIND : RESULTS[kind]).filter(inEveryRun(runs));
}

export function isolationMetrics(runs: Runs): string[] {
  return ISOLATION.filter(inEveryRun(runs));
}

/** Per-tier metrics present in every run's every reported tier. */
export function perTierMetrics(runs: readonly Pick<RunResult, "perTier">[]): string[] {
  const tiers = runs.flatMap((r) => Object.values(r.perTier));
  if (tiers.length === 0) return [];
  return PER_TIER.filter((m) => tiers.every((t) => m in t));
}
