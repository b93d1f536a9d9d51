/** How each headline metric reads in tables and charts. Unknown metrics show their own name. */
export const METRIC_LABELS: Readonly<Record<string, string>> = {
  gpuAllocationRatio: "GPU allocation ratio",
  unallocatedGpuFraction: "unallocated GPU fraction",
  overprovisioningRatio: "overprovisioning (provisioned / used GPU-hours)",
  gpuHoursProvisioned: "GPU-hours provisioned",
  gpuHoursUsed: "GPU-hours used",
  sloViolationSeconds: "SLO violation, s",
  isolationViolations: "isolation violations",
  fragmentationRate: "fragmentation rate (of idle GPU)",
  fragmentationAmount: "fragmentation (of GPU capacity)",
  failedPods: "pods that never fit",
  placedPods: "pods placed",
  pendingSecondsMean: "mean pending time, s",
  pendingSecondsP95: "p95 pending time, s",
  smallestClusterGpus: "smallest cluster at SLO, GPUs",
  peakGpusProvisioned: "peak GPUs provisioned",
  sloViolationFraction: "requests above ready capacity (share)",
  coldStarts: "cold starts",
};

export function metricLabel(name: string): string {
  return METRIC_LABELS[name] ?? name;
}
