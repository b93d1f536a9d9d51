/**
 * `npm run figures`: runs the README's scenarios and writes what the README embeds into
 * docs/figures: the openb-fgd table and allocation curve (all policies, all its seeds, on worker
 * threads), the inference and fleet tables and provisioned-GPUs charts. Prints, for each figure, the
 * command line that reproduces its numbers in a report folder.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { allocationByArrivalChart, provisionedVsUsedChart } from "../sim/report/charts.js";
import { metricLabel } from "../sim/report/labels.js";
import { savingHeadline } from "../sim/report/saving.js";
import { markdownTable } from "../sim/report/table.js";
import type { RunResult } from "../sim/results.js";
import { loadScenario } from "../sim/scenario/load.js";
import type { Scenario } from "../sim/scenario/types.js";
import { headlineMetrics } from "../sim/sweep/headline.js";
import { lineProgress } from "../sim/sweep/progress.js";
import { barProgress } from "../sim/sweep/progress-bar.js";
import { runSweep } from "../sim/sweep/sweep.js";
import { repoRoot } from "./repo-root.js";

interface Figure {
  /** Scenario file, relative to the repository root. */
  readonly scenario: string;
  readonly table: string;
  readonly chart: string;
  readonly draw: (runs: readonly RunResult[]) => string;
}

const FIGURES: readonly Figure[] = [
  {
    scenario: "config/scenarios/openb-fgd.yaml",
    table: "openb-fgd-table.md",
    chart: "openb-fgd-allocation.svg",
    draw: (runs) => allocationByArrivalChart(runs),
  },
  {
    scenario: "config/scenarios/inference-diurnal.yaml",
    table: "inference-table.md",
    chart: "inference-provisioned.svg",
    draw: (runs) => provisionedVsUsedChart(runs, "GPUs provisioned per policy vs GPUs the load needs (first seed)"),
  },
  {
    scenario: "config/scenarios/inference-fleet.yaml",
    table: "fleet-table.md",
    chart: "fleet-provisioned.svg",
    draw: (runs) =>
      provisionedVsUsedChart(runs, "A week of the fleet: GPUs provisioned per policy vs GPUs the load needs (seed 1)"),
  },
];

/** The Markdown table the README embeds: readable column names, then how to reproduce it. */
export function figureTable(scenario: Scenario, runs: readonly RunResult[], command: string): string {
  const metrics = headlineMetrics(scenario.kind, runs);
  const [head, _rule, ...body] = markdownTable({ runs }, metrics).split("\n");
  const labelled = metrics.reduce((line, m) => line.replace(` ${m} |`, ` ${metricLabel(m)} |`), head);
  const seeds = [...new Set(runs.map((r) => r.seed))];
  const saving = savingHeadline(scenario.kind, runs);
  return [
    ...alignedTable([labelled, ...body].map(cellsOf)),
    "",
    ...saving.map((line) => `- ${line}`),
    ...(saving.length > 0 ? [""] : []),
    `Median over seeds ${seeds.join(", ")} (min–max in brackets when they differ). Reproduce: \`${command}\``,
    "",
  ].join("\n");
}

function cellsOf(row: string): string[] {
  return row
    .slice(1, -1)
    .split("|")
    .map((c) => c.trim());
}

/** Columns padded to one width (first left-aligned, numbers right-aligned), as Markdown formatters leave them. */
function alignedTable(rows: readonly string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(3, ...rows.map((r) => r[c].length)));
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  const pad = (r: readonly string[]) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c])));
  const rule = widths.map((w, c) => (c === 0 ? "-".repeat(w) : `${"-".repeat(w - 1)}:`));
  return [line(pad(rows[0])), line(rule), ...rows.slice(1).map((r) => line(pad(r)))];
}

async function main(): Promise<void> {
  const root = repoRoot(import.meta.url);
  const outDir = join(root, "docs", "figures");
  mkdirSync(outDir, { recursive: true });
  const reproduce: string[] = [];
  // `npm run figures -- fleet` regenerates only the figures whose scenario file names contain an argument.
  const only = process.argv.slice(2);
  for (const figure of FIGURES.filter((f) => only.length === 0 || only.some((o) => f.scenario.includes(o)))) {
    const scenario = loadScenario(join(root, figure.scenario));
    const command = `tierfit simulate --scenario ${figure.scenario}`;
    process.stderr.write(
      `figures: ${scenario.name}: ${scenario.policies.length} policies × ${scenario.seeds.length} seeds\n`,
    );
    const progress = process.stderr.isTTY
      ? barProgress(process.stderr)
      : lineProgress((line) => process.stderr.write(`${line}\n`));
    const { results } = await runSweep({ scenario, progress });
    const table = join(outDir, figure.table);
    const chart = join(outDir, figure.chart);
    writeFileSync(table, figureTable(scenario, results, command));
    writeFileSync(chart, figure.draw(results));
    for (const file of [table, chart]) reproduce.push(`${relative(root, file)}  ←  ${command}`);
  }
  process.stdout.write(
    `wrote, with the command that reproduces each (its report folder has the same table and chart):\n${reproduce.map((l) => `  ${l}`).join("\n")}\n  (all of them: npm run figures)\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
