/**
 * What a sweep leaves behind and prints: the report folder (summary.json, CSV series,
 * report.html) or, for a shard, its shard file; on stdout the summary table, then the paths.
 */
import { mkdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { withSavings } from "../report/saving.js";
import { reportSections, sectionsText } from "../report/sections.js";
import { writeReport } from "../report/write.js";
import type { RunResult, SweepIdentity } from "../results.js";
import type { ScenarioKind } from "../scenario/schema.js";
import { type ShardFile, writeShardFile } from "./shard-file.js";

/** What a sweep prints: `text` for people, `json` for `--output json` (shapes in the README, "Scripting"). */
export interface Printed {
  readonly text: string;
  readonly json: unknown;
}

/** Writes the report folder; returns what to print. */
export function writeSweepReport(dir: string, sweep: SweepIdentity, runs: readonly RunResult[]): Printed {
  const withSaving = withSavings(sweep.kind, runs);
  const { files, summary } = writeReport(dir, sweep, withSaving);
  return {
    text: `${sectionsText(reportSections(sweep.kind, withSaving))}\n\n${writtenList(files)}\n`,
    json: { out: dir, files, summary },
  };
}

/** Writes shard-<i>-of-<n>.json into `dir`; returns what to print. */
export function writeShardReport(dir: string, file: ShardFile, kind?: ScenarioKind): Printed {
  mkdirSync(dir, { recursive: true });
  const path = writeShardFile(dir, file);
  const table = file.runs.length > 0 ? `${sectionsText(reportSections(kind, withSavings(kind, file.runs)))}\n\n` : "";
  return {
    text: `${table}${writtenList([path])}\n`,
    json: {
      out: dir,
      files: [path],
      shard: { index: file.shard.index, count: file.shard.count },
      runs: file.runs.length,
    },
  };
}

/** One line per file, the per-run series folded into one line. */
export function writtenList(files: readonly string[]): string {
  const series = files.filter((f) => /^series-.*\.csv$/.test(basename(f)));
  const lines = files.filter((f) => !series.includes(f)).map((f) => `  ${f}`);
  if (series.length > 0) lines.push(`  ${join(dirname(series[0]), "series-*.csv")} (${series.length} files)`);
  return `wrote:\n${lines.join("\n")}`;
}
