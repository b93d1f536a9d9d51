/**
 * Every metric a report shows, under the one name summary.json uses for it, with its unit and what
 * it means. The terminal table, report.html and the README's tables all take names from here, so a
 * figure reads the same wherever it is quoted.
 */
export interface MetricDefinition {
  /** Shown under or after the name in table headers and chart titles. */
  readonly unit: string;
  readonly meaning: string;
}

export const METRICS: Readonly<Record<string, MetricDefinition>> = {
  gpuHoursSaved: {
    unit: "GPU-h",
    meaning: "GPU-hours provisioned by the baseline minus this policy's, on the same seed",
  },
  gpuHoursSavedPercent: { unit: "%", meaning: "gpuHoursSaved as a share of the baseline's GPU-hours provisioned" },
  gpusSaved: {
    unit: "GPUs",
    meaning: "GPUs the baseline leaves unallocated minus this policy's, on the same seed (GPUs put to work)",
  },
  gpusSavedPercent: { unit: "%", meaning: "gpusSaved as a share of the GPUs the baseline leaves unallocated" },
  gpuHoursProvisioned: { unit: "GPU-h", meaning: "GPU-hours of powered nodes (nodes running at least one pod)" },
  gpuHoursUsed: { unit: "GPU-h", meaning: "GPU-hours the workload needs" },
  overprovisioningRatio: { unit: "×", meaning: "gpuHoursProvisioned / gpuHoursUsed" },
  peakGpusProvisioned: { unit: "GPUs", meaning: "most GPUs powered at once" },
  gpuAllocationRatio: { unit: "0–1", meaning: "share of the cluster's GPUs allocated to pods at the end" },
  unallocatedGpus: { unit: "GPUs", meaning: "GPUs left unallocated at the end" },
  unallocatedGpuFraction: { unit: "0–1", meaning: "share of the cluster's GPUs left unallocated at the end" },
  fragmentationRate: { unit: "0–1", meaning: "share of idle GPU capacity the typical pods cannot use (mean)" },
  fragmentationAmount: { unit: "0–1", meaning: "share of all GPU capacity that is idle and unusable (mean)" },
  fragmentationRateAt100: {
    unit: "0–1",
    meaning: "share of idle GPU capacity the typical pods cannot use, when arrivals reach 100 % of capacity",
  },
  fragmentationAmountAt100: {
    unit: "0–1",
    meaning: "share of all GPU capacity idle and unusable, when arrivals reach 100 % of capacity",
  },
  failedPods: { unit: "pods", meaning: "pods never placed" },
  placedPods: { unit: "pods", meaning: "pods placed" },
  pendingSecondsMean: { unit: "s", meaning: "mean time from arrival to placement" },
  pendingSecondsP95: { unit: "s", meaning: "95th percentile of time from arrival to placement" },
  sloViolationSeconds: { unit: "s", meaning: "seconds in which some service had less ready capacity than its load" },
  sloViolationFraction: { unit: "0–1", meaning: "share of requests above the ready replicas' capacity" },
  smallestClusterGpus: { unit: "GPUs", meaning: "smallest cluster on which the policy keeps the SLO" },
  coldStarts: { unit: "replicas", meaning: "replicas that loaded their model before serving" },
  gpuUtilisation: {
    unit: "0–1",
    meaning:
      "gpuHoursUsed / gpuHoursProvisioned; a fleet counts a tier's services wherever their replicas ran, so above 1 means they ran on nodes of another tier",
  },
  isolationViolations: {
    unit: "placements",
    meaning: "placements that broke a tier or a tenant-sharing rule (or both)",
  },
  tierViolations: { unit: "placements", meaning: "pods placed on a node weaker than their tier" },
  sharingViolations: { unit: "pod pairs", meaning: "pods of different tenants on one GPU below a sharing tier" },
};

export function unitOf(name: string): string {
  return METRICS[name]?.unit ?? "";
}

export function meaningOf(name: string): string {
  return METRICS[name]?.meaning ?? name;
}
