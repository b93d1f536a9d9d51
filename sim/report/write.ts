/** Writes a sweep's outputs into one folder: summary.json, a CSV per run, report.html. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type RunResult, type SimulationSummary, type SweepIdentity, summarise } from "../results.js";
import { allocationByArrivalCsv, seriesCsv, seriesFileName } from "./csv.js";
import { reportHtml } from "./html.js";
import { applicableRule } from "./saving.js";
import { replaceStaleOutputs } from "./stale-outputs.js";

export interface WrittenReport {
  readonly summary: SimulationSummary;
  readonly files: string[];
}

/** `runs` already carry their saving (withSavings), so summary.json and the page agree. */
export function writeReport(dir: string, sweep: SweepIdentity, runs: readonly RunResult[]): WrittenReport {
  mkdirSync(dir, { recursive: true });
  const summary = summarise(sweep, applicableRule(sweep.kind, runs)?.baseline ?? null, runs);
  const files: string[] = [];
  const put = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    files.push(join(dir, name));
  };
  put("summary.json", `${JSON.stringify(summary, null, 2)}\n`);
  for (const run of runs) put(seriesFileName(run), seriesCsv(run));
  const curve = allocationByArrivalCsv(runs);
  if (curve) put("allocation-by-arrival.csv", curve);
  put("report.html", reportHtml(summary, runs));
  replaceStaleOutputs(dir, files);
  return { summary, files };
}
