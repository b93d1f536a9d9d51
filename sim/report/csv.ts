/** Time series as CSV: one file per run, one row per sample. */
import type { RunResult } from "../results.js";

export function seriesCsv(run: RunResult): string {
  const { t, provisionedGpus, allocatedGpus, usedGpus } = run.series;
  const rows = ["t_seconds,provisioned_gpus,allocated_gpus,used_gpus"];
  for (let i = 0; i < t.length; i++) rows.push(`${t[i]},${provisionedGpus[i]},${allocatedGpus[i]},${usedGpus[i]}`);
  return `${rows.join("\n")}\n`;
}

/** openb-fgd: allocation ratio per arrived-workload percentage, one column per run. */
export function allocationByArrivalCsv(runs: readonly RunResult[]): string | null {
  const withCurve = runs.filter((r) => r.allocationByArrival);
  if (withCurve.length === 0) return null;
  const len = Math.max(...withCurve.map((r) => r.allocationByArrival!.length));
  const rows = [["arrived_percent", ...withCurve.map((r) => `${r.policy}_seed${r.seed}`)].join(",")];
  for (let pct = 0; pct < len; pct++) {
    rows.push([pct, ...withCurve.map((r) => r.allocationByArrival![pct] ?? "")].join(","));
  }
  return `${rows.join("\n")}\n`;
}

export function seriesFileName(run: Pick<RunResult, "policy" | "seed">): string {
  return `series-${run.policy}-seed${run.seed}.csv`;
}
