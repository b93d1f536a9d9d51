/**
 * The metrics the terminal table shows for a sweep: what each kind of scenario is about (the
 * FGD experiment: allocation and fragmentation; timed and synthetic runs: provisioning and
 * waiting; inference: GPU-hours against the SLO), limited to metrics every run reports.
 */
import { HEADLINE_METRICS } from "../report/html.js";
import type { RunResult } from "../results.js";
import type { ScenarioKind } from "../scenario/schema.js";

const BY_KIND: Readonly<Record<ScenarioKind, readonly string[]>> = {
  "openb-fgd": [
    "gpuAllocationRatio",
    "fragmentationRateAt100",
    "fragmentationAmountAt100",
    "failedPods",
    "isolationViolations",
  ],
  "openb-timed": [
    "gpuAllocationRatio",
    "overprovisioningRatio",
    "pendingSecondsP95",
    "failedPods",
    "isolationViolations",
  ],
  synthetic: ["overprovisioningRatio", "fragmentationRate", "pendingSecondsP95", "failedPods", "isolationViolations"],
  inference: [
    "gpuHoursProvisioned",
    "overprovisioningRatio",
    "peakGpusProvisioned",
    "sloViolationSeconds",
    "smallestClusterGpus",
    "isolationViolations",
  ],
  fleet: [
    "gpuHoursProvisioned",
    "gpuHoursUsed",
    "sloViolationFraction",
    "coldStarts",
    "peakGpusProvisioned",
    "isolationViolations",
  ],
};

export function headlineMetrics(kind: ScenarioKind | undefined, runs: readonly Pick<RunResult, "metrics">[]): string[] {
  const inEveryRun = (m: string) => runs.length > 0 && runs.every((r) => m in r.metrics);
  const wanted = (kind ? BY_KIND[kind] : []).filter(inEveryRun);
  return wanted.length > 0 ? wanted : HEADLINE_METRICS.filter(inEveryRun);
}
