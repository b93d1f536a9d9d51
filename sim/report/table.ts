/**
 * The report's tables, built once and rendered three ways: aligned text for the terminal,
 * Markdown for the README, HTML for report.html. Columns carry the metric names of summary.json
 * and their units; a cell is the median over seeds with the min–max range when seeds differ.
 */
import type { RunResult } from "../results.js";
import { unitOf } from "./metric-definitions.js";
import { policiesOf, type Spread, spread } from "./stats.js";

export interface Table {
  /** Headers of the leading label columns: ["policy"], or ["policy", "tier"]. */
  readonly labels: readonly string[];
  readonly metrics: readonly string[];
  readonly rows: readonly { readonly labels: readonly string[]; readonly cells: readonly string[] }[];
}

type Runs = readonly Pick<RunResult, "policy" | "seed" | "metrics" | "perTier">[];

const numbers = (xs: readonly (number | undefined)[]) =>
  xs.filter((v): v is number => typeof v === "number" && Number.isFinite(v));

/** One row per policy, in the order the policies ran. */
export function policyTable(runs: Runs, metrics: readonly string[]): Table {
  const rows = policiesOf({ runs }).map((policy) => {
    const own = runs.filter((r) => r.policy === policy);
    return { labels: [policy], cells: metrics.map((m) => cell(spread(numbers(own.map((r) => r.metrics[m]))))) };
  });
  return { labels: ["policy"], metrics, rows };
}

/** One row per policy and tier; tiers no run provisioned a GPU of are left out. */
export function perTierTable(runs: Runs, metrics: readonly string[]): Table {
  const tiers = [...new Set(runs.flatMap((r) => Object.keys(r.perTier)))].filter((t) =>
    runs.some((r) => (r.perTier[t]?.gpuHoursProvisioned ?? 0) > 0),
  );
  const rows = policiesOf({ runs }).flatMap((policy) => {
    const own = runs.filter((r) => r.policy === policy);
    return tiers.map((tier) => ({
      labels: [policy, tier],
      cells: metrics.map((m) => cell(spread(numbers(own.map((r) => r.perTier[tier]?.[m]))))),
    }));
  });
  return { labels: ["policy", "tier"], metrics, rows };
}

/** What a cell is, said once under every table. */
export function cellNote(runs: readonly Pick<RunResult, "seed">[]): string {
  const seeds = [...new Set(runs.map((r) => r.seed))];
  if (seeds.length === 1) return `Each cell: the run of seed ${seeds[0]} (one seed, so no range).`;
  return `Each cell: median (min–max) over ${seeds.length} seeds (${seeds.join(", ")}); one value where the seeds agree.`;
}

/** The range is left out when the seeds agree to the digits shown. */
function cell(s: Spread): string {
  if (s.values.length === 0) return "–";
  const [median, min, max] = [s.median, s.min, s.max].map(formatNumber);
  if (min === max) return median;
  // A spaced dash keeps a negative bound from reading as part of the dash.
  return s.min < 0 ? `${median} (${min} – ${max})` : `${median} (${min}–${max})`;
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return "–";
  const a = Math.abs(v);
  // Floating-point dust from sums that cancel (4.8e-17) is zero.
  if (a < 1e-9) return "0";
  if (a !== 0 && a < 0.01) return v.toExponential(1);
  // Four decimals below 1: shares near 1 differ in the fourth (0.9604 against a 0.960 target).
  if (a < 1) return (Math.round(v * 10000) / 10000).toString();
  if (a < 10) return (Math.round(v * 1000) / 1000).toString();
  if (a < 1000) return (Math.round(v * 10) / 10).toString();
  return Math.round(v).toLocaleString("en-US");
}

/** For the terminal: names on the first line, units under them, columns aligned. */
export function textTable(table: Table): string {
  const head = [...table.labels, ...table.metrics];
  const units = [...table.labels.map(() => ""), ...table.metrics.map((m) => bracketed(unitOf(m)))];
  const body = table.rows.map((r) => [...r.labels, ...r.cells]);
  const all = [head, units, ...body];
  const widths = head.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const nLabels = table.labels.length;
  const line = (r: readonly string[]) =>
    r
      .map((v, c) => (c < nLabels ? v.padEnd(widths[c]) : v.padStart(widths[c])))
      .join("  ")
      .trimEnd();
  return [line(head), line(units), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

/** For the README: one header line, `name (unit)`, columns padded as Markdown formatters leave them. */
export function markdownTable(table: Table): string {
  const head = [...table.labels, ...table.metrics.map((m) => (unitOf(m) ? `${m} (${unitOf(m)})` : m))];
  const rows = [head, ...table.rows.map((r) => [...r.labels, ...r.cells])];
  const widths = head.map((_, c) => Math.max(3, ...rows.map((r) => r[c].length)));
  const nLabels = table.labels.length;
  const pad = (r: readonly string[]) => r.map((v, c) => (c < nLabels ? v.padEnd(widths[c]) : v.padStart(widths[c])));
  const line = (r: readonly string[]) => `| ${r.join(" | ")} |`;
  const rule = widths.map((w, c) => (c < nLabels ? "-".repeat(w) : `${"-".repeat(w - 1)}:`));
  return [line(pad(head)), line(rule), ...rows.slice(1).map((r) => line(pad(r)))].join("\n");
}

function bracketed(unit: string): string {
  return unit ? `[${unit}]` : "";
}
