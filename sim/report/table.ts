/** The summary as text: an aligned table for the terminal and a Markdown table for the README. */
import type { SimulationSummary } from "../results.js";
import { formatNumber } from "./charts.js";
import { metricByPolicy, policiesOf } from "./stats.js";

function cells(summary: Pick<SimulationSummary, "runs">, metrics: readonly string[]): string[][] {
  const columns = metrics.map((m) => metricByPolicy(summary, m));
  return policiesOf(summary).map((policy) => [
    policy,
    ...columns.map((col) => {
      const s = col.get(policy);
      if (!s || s.values.length === 0) return "–";
      if (s.values.length === 1 || s.min === s.max) return formatNumber(s.median);
      return `${formatNumber(s.median)} (${formatNumber(s.min)}–${formatNumber(s.max)})`;
    }),
  ]);
}

/** Median over seeds, with the min–max range when seeds differ. */
export function textTable(summary: Pick<SimulationSummary, "runs">, metrics: readonly string[]): string {
  const rows = [["policy", ...metrics], ...cells(summary, metrics)];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join("  ");
  return [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

export function markdownTable(summary: Pick<SimulationSummary, "runs">, metrics: readonly string[]): string {
  const head = `| policy | ${metrics.join(" | ")} |`;
  const rule = `|---|${metrics.map(() => "---:").join("|")}|`;
  return [head, rule, ...cells(summary, metrics).map((r) => `| ${r.join(" | ")} |`)].join("\n");
}
