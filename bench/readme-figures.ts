/**
 * `npm run figures`: runs every shipped scenario, writes the tables and charts the README embeds
 * into docs/figures, and replaces each table in README.md between its markers
 * (`<!-- figures:NAME -->` … `<!-- /figures -->`), so one command brings every figure up to date.
 * `npm run figures -- fleet timed` runs only the scenarios whose file names contain an argument.
 * Progress goes to stderr; each table ends with the command that reproduces it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { allocationByArrivalChart, policyColours, provisionedPanels } from "../sim/report/charts.js";
import { isolationMetrics, resultMetrics } from "../sim/report/columns.js";
import { applicableRule, withSavings } from "../sim/report/saving.js";
import { reportSections } from "../sim/report/sections.js";
import { cellNote, markdownTable, policyTable } from "../sim/report/table.js";
import type { RunResult } from "../sim/results.js";
import { loadScenario } from "../sim/scenario/load.js";
import type { Scenario } from "../sim/scenario/types.js";
import { lineProgress } from "../sim/sweep/progress.js";
import { barProgress } from "../sim/sweep/progress-bar.js";
import { runSweep } from "../sim/sweep/sweep.js";
import { repoRoot } from "./repo-root.js";

interface Figure {
  /** Scenario file, relative to the repository root. */
  readonly scenario: string;
  readonly table: string;
  readonly chart?: { readonly file: string; readonly draw: (runs: readonly RunResult[]) => string };
}

const timeChart = (file: string) => ({
  file,
  draw: (runs: readonly RunResult[]) => provisionedPanels(runs, policyColours(runs)),
});

export const FIGURES: readonly Figure[] = [
  {
    scenario: "config/scenarios/openb-fgd.yaml",
    table: "openb-fgd-table.md",
    chart: { file: "openb-fgd-allocation.svg", draw: (runs) => allocationByArrivalChart(runs, policyColours(runs)) },
  },
  { scenario: "config/scenarios/openb-timed.yaml", table: "openb-timed-table.md" },
  {
    scenario: "config/scenarios/inference-diurnal.yaml",
    table: "inference-table.md",
    chart: timeChart("inference-provisioned.svg"),
  },
  { scenario: "config/scenarios/mixed-tiers.yaml", table: "mixed-tiers-table.md" },
  {
    scenario: "config/scenarios/inference-fleet.yaml",
    table: "fleet-table.md",
    chart: timeChart("fleet-provisioned.svg"),
  },
];

/**
 * The README's table for a scenario: the saving against its baseline, the results and isolation
 * violations in one table under the names summary.json uses; then the headline sentence, what a
 * cell is and the command that reproduces it.
 */
export function figureTable(scenario: Scenario, results: readonly RunResult[], command: string): string {
  const runs = withSavings(scenario.kind, results);
  const rule = applicableRule(scenario.kind, runs);
  const metrics = [
    ...(rule ? [rule.saved, rule.savedPercent] : []),
    ...resultMetrics(scenario.kind, runs),
    ...isolationMetrics(runs).slice(0, 1),
  ];
  const lead = reportSections(scenario.kind, runs).saving?.lead;
  return [
    markdownTable(policyTable(runs, metrics)),
    "",
    ...(lead ? [lead, ""] : []),
    `${cellNote(runs)} Reproduce: \`${command}\``,
    "",
  ].join("\n");
}

/** README.md with the text between `<!-- figures:NAME -->` and the next `<!-- /figures -->` replaced. */
export function spliceFigure(readme: string, name: string, content: string): string {
  const open = `<!-- figures:${name} -->`;
  const start = readme.indexOf(open);
  const end = start < 0 ? -1 : readme.indexOf("<!-- /figures -->", start);
  if (start < 0 || end < 0) throw new Error(`README.md has no "${open}" … "<!-- /figures -->" block`);
  return `${readme.slice(0, start + open.length)}\n\n${content.trimEnd()}\n\n${readme.slice(end)}`;
}

async function main(): Promise<void> {
  const root = repoRoot(import.meta.url);
  const outDir = join(root, "docs", "figures");
  const readmePath = join(root, "README.md");
  mkdirSync(outDir, { recursive: true });
  const only = process.argv.slice(2);
  const chosen = FIGURES.filter((f) => only.length === 0 || only.some((o) => f.scenario.includes(o)));
  if (chosen.length === 0) {
    throw new Error(`no scenario matches ${only.join(", ")}; scenarios: ${FIGURES.map((f) => f.scenario).join(", ")}`);
  }
  const written: string[] = [];
  for (const [i, figure] of chosen.entries()) {
    const scenario = loadScenario(join(root, figure.scenario));
    const command = `tierfit simulate --scenario ${figure.scenario}`;
    process.stderr.write(
      `figures ${i + 1}/${chosen.length}: ${scenario.name}: ${scenario.policies.length} policies × ${scenario.seeds.length} seeds\n`,
    );
    const progress = process.stderr.isTTY
      ? barProgress(process.stderr)
      : lineProgress((line) => process.stderr.write(`${line}\n`));
    const { results } = await runSweep({ scenario, progress });
    const table = figureTable(scenario, results, command);
    writeFileSync(join(outDir, figure.table), table);
    written.push(join(outDir, figure.table));
    if (figure.chart) {
      writeFileSync(join(outDir, figure.chart.file), figure.chart.draw(results));
      written.push(join(outDir, figure.chart.file));
    }
    // Each table lands in the README as soon as its scenario is done: a long run stopped halfway keeps what it finished.
    if (existsSync(readmePath)) {
      writeFileSync(readmePath, spliceFigure(readFileSync(readmePath, "utf8"), figure.table, table));
      written.push(`${readmePath} (${figure.table})`);
    }
  }
  process.stdout.write(`wrote:\n${written.map((f) => `  ${relative(root, f)}`).join("\n")}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
