/** report.html: one self-contained page (inline SVG charts, no scripts, no network) a planner can mail around. */
import type { RunResult, SimulationSummary } from "../results.js";
import { allocationByArrivalChart, formatNumber, metricChart, provisionedVsUsedChart } from "./charts.js";
import { metricLabel } from "./labels.js";
import { metricByPolicy, policiesOf } from "./stats.js";

/** Headline metrics charted, in this order, when the runs have them. */
export const HEADLINE_METRICS = [
  "overprovisioningRatio",
  "gpuHoursProvisioned",
  "gpuAllocationRatio",
  "unallocatedGpuFraction",
  "fragmentationRate",
  "sloViolationSeconds",
  "pendingSecondsP95",
  "isolationViolations",
] as const;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function htmlTable(summary: SimulationSummary, metrics: readonly string[]): string {
  const columns = metrics.map((m) => metricByPolicy(summary, m));
  const head = `<tr><th>policy</th>${metrics.map((m) => `<th title="${escapeHtml(m)}">${escapeHtml(metricLabel(m))}</th>`).join("")}</tr>`;
  const body = policiesOf(summary)
    .map((p) => {
      const tds = columns.map((col) => {
        const s = col.get(p);
        if (!s || s.values.length === 0) return "<td>–</td>";
        const range = s.min === s.max ? "" : `<small> ${formatNumber(s.min)}–${formatNumber(s.max)}</small>`;
        return `<td>${formatNumber(s.median)}${range}</td>`;
      });
      return `<tr><th>${escapeHtml(p)}</th>${tds.join("")}</tr>`;
    })
    .join("\n");
  return `<table>${head}\n${body}</table>`;
}

/** `headline`: lines shown first (savings against the scenario's baseline). */
export function reportHtml(
  summary: SimulationSummary,
  runs: readonly RunResult[],
  headline: readonly string[] = [],
): string {
  const present = HEADLINE_METRICS.filter((m) => summary.runs.every((r) => m in r.metrics));
  const seeds = [...new Set(summary.runs.map((r) => r.seed))];
  const sections: string[] = [];
  if (runs.some((r) => r.allocationByArrival)) sections.push(allocationByArrivalChart(runs));
  if (runs.some((r) => r.series.t.length > 1)) {
    sections.push(provisionedVsUsedChart(runs, "GPUs provisioned per policy vs GPUs actually used"));
  }
  const metricCharts = present.map((m) => metricChart(summary, m, metricLabel(m)));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tierfit simulation: ${escapeHtml(summary.scenario)}</title>
<style>
body{font-family:sans-serif;margin:2em auto;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}
th:first-child{text-align:left}small{color:#777}.grid{display:flex;flex-wrap:wrap;gap:8px}
</style></head><body>
<h1>Simulation: ${escapeHtml(summary.scenario)}</h1>
${headline.length > 0 ? `<ul>${headline.map((l) => `<li><strong>${escapeHtml(l)}</strong></li>`).join("")}</ul>` : ""}
<p>${escapeHtml(summary.description)}</p>
<p>${policiesOf(summary).length} policies × ${seeds.length} seed(s) (${seeds.join(", ")}). Table cells: median over seeds, with min–max.</p>
${htmlTable(summary, present)}
${sections.map((s) => `<div>${s}</div>`).join("\n")}
<div class="grid">${metricCharts.map((s) => `<div>${s}</div>`).join("\n")}</div>
</body></html>
`;
}
