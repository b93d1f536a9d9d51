/** report.html: one self-contained page (inline SVG charts, no scripts, no network) a planner can mail around. */
import type { RunResult, SimulationSummary } from "../results.js";
import type { ScenarioKind } from "../scenario/schema.js";
import { allocationByArrivalChart, metricChart, policyColours, provisionedPanels } from "./charts.js";
import { meaningOf, unitOf } from "./metric-definitions.js";
import { type ReportSections, reportSections } from "./sections.js";
import type { Table } from "./table.js";

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function htmlTable(table: Table, section: string): string {
  const unit = (m: string) => (unitOf(m) ? `<br><small>${escapeHtml(unitOf(m))}</small>` : "");
  const head = [
    ...table.labels.map((l) => `<th>${escapeHtml(l)}</th>`),
    ...table.metrics.map(
      (m) => `<th data-metric="${escapeHtml(m)}" title="${escapeHtml(meaningOf(m))}">${escapeHtml(m)}${unit(m)}</th>`,
    ),
  ].join("");
  const body = table.rows.map(
    (r) =>
      `<tr>${r.labels.map((l) => `<th>${escapeHtml(l)}</th>`).join("")}${r.cells.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`,
  );
  return `<table data-section="${section}"><tr>${head}</tr>\n${body.join("\n")}</table>`;
}

/** What each metric on the page means, once. */
function glossary(s: ReportSections): string {
  const names = [
    ...(s.saving?.table?.metrics ?? []),
    ...s.results.metrics,
    ...(s.isolation?.metrics ?? []),
    ...(s.perTier?.metrics ?? []),
  ];
  const items = [...new Set(names)].map(
    (m) =>
      `<dt>${escapeHtml(m)}${unitOf(m) ? ` (${escapeHtml(unitOf(m))})` : ""}</dt><dd>${escapeHtml(meaningOf(m))}</dd>`,
  );
  return `<dl>${items.join("")}</dl>`;
}

/** Charts that mean something for this kind: time only where the replay has time. */
function charts(kind: ScenarioKind | undefined, s: ReportSections, runs: readonly RunResult[]): string[] {
  const colours = policyColours(runs);
  const wide: string[] = [];
  if (runs.some((r) => r.allocationByArrival)) wide.push(allocationByArrivalChart(runs, colours));
  if (kind !== "openb-fgd" && runs.some((r) => r.series.t.length > 1)) wide.push(provisionedPanels(runs, colours));
  const metrics = [s.saving?.rule.saved, ...s.results.metrics, ...(s.isolation?.metrics.slice(0, 1) ?? [])];
  const small = metrics
    .filter((m): m is string => m !== undefined)
    .map((m) => metricChart(runs, m, colours))
    .filter((svg): svg is string => svg !== null);
  return [
    ...wide.map((svg) => `<div class="wide">${svg}</div>`),
    `<div class="grid">${small.map((svg) => `<div>${svg}</div>`).join("\n")}</div>`,
  ];
}

/** `runs` already carry their saving (withSavings); `summary` is what summary.json holds. */
export function reportHtml(summary: SimulationSummary, runs: readonly RunResult[]): string {
  const s = reportSections(summary.kind, runs);
  const note = `<p class="note">${escapeHtml(s.note)}</p>`;
  const policies = new Set(runs.map((r) => r.policy)).size;
  const headline = s.saving
    ? `<section id="headline"><h2>Saving against ${escapeHtml(s.saving.rule.baseline)}</h2>
<p class="lead">${escapeHtml(s.saving.lead)}</p>
${s.saving.table ? htmlTable(s.saving.table, "saving") + note : ""}</section>`
    : "";
  const section = (id: string, title: string, table: Table | undefined, intro = "") =>
    table ? `<section id="${id}"><h2>${title}</h2>${intro}${htmlTable(table, id)}${note}</section>` : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tierfit simulation: ${escapeHtml(summary.scenario)}</title>
<style>
body{font-family:sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h2{margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right;vertical-align:top;white-space:nowrap}
tr>th{text-align:left}tr:first-child>th{text-align:right}tr:first-child>th:not([data-metric]){text-align:left}
small{color:#666;font-weight:normal}.note{color:#555;font-size:.9em}.lead{font-size:1.15em;font-weight:bold}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px;font-size:.9em}dt{font-weight:bold}dd{margin:0}
.grid{display:flex;flex-wrap:wrap;gap:8px}.wide{margin:1em 0}
</style></head><body>
<h1>Simulation: ${escapeHtml(summary.scenario)}</h1>
${headline}
<section id="results"><h2>Results</h2>
<p>${policies} policies × ${new Set(runs.map((r) => r.seed)).size} seed(s). ${escapeHtml(summary.description)}</p>
${htmlTable(s.results, "results")}${note}</section>
${section("isolation", "Isolation", s.isolation)}
${section("per-tier", "Per tier", s.perTier, "<p>GPU-hours and use per isolation tier of the nodes.</p>")}
<section id="metrics"><h2>What the columns mean</h2>${glossary(s)}</section>
<section id="charts"><h2>Charts</h2>
${charts(summary.kind, s, runs).join("\n")}
</section>
</body></html>
`;
}
