/**
 * `tierfit simulate`: a scenario's policies × seeds on worker threads, a summary table on stdout
 * and a report folder; `--shard i/n` for one slice of the sweep (an Indexed Job's pod), and
 * `tierfit simulate merge` to combine the slices into the report an unsharded run writes.
 */
import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Command } from "commander";
import type { Printed } from "../../../sim/sweep/outputs.js";
import type { SweepProgress } from "../../../sim/sweep/progress.js";
import { TierfitError } from "../../errors.js";
import { POLICY_NAMES } from "../../scoring/baselines/policy-names.js";
import { type OutputFormat, outputOption } from "../options.js";
import { checkWritableDir } from "../writable-dir.js";

interface SimulateOptions {
  scenario?: string;
  policies?: string;
  seeds?: string;
  out?: string;
  shard?: string;
  workers?: string;
  quiet?: boolean;
  output: OutputFormat;
}

interface MergeOptions {
  out?: string;
  output: OutputFormat;
}

const SIMULATE_HELP = `
The sweep is every policy × every seed; runs are independent and deterministic (a seed gives
the same result on any machine, in any thread). Printed, and first in report.html: what each
policy saves against the scenario's baseline (kube-default, or today's practice such as
kube-default+reactive for a fleet), then results, isolation and per-tier tables; each cell is the
median (min–max) over the seeds. Output folder: summary.json (every run's metrics, under the
names the tables use), series-<policy>-seed<seed>.csv per run, report.html (tables and charts).

Sharding (a Kubernetes Indexed Job, see config/deploy/simulate-indexed-job.yaml):
  tierfit simulate --scenario s.yaml --shard 0/4 --out results   # … and 1/4, 2/4, 3/4
  tierfit simulate merge results --out report
Run k of the sweep (policy-major order) belongs to shard k mod n; every shard must be given
the same --scenario, --policies and --seeds.`;

export function registerSimulateCommand(program: Command): void {
  const simulate = program
    .command("simulate")
    .description(
      "Simulate placements: run a scenario's policies × seeds on worker threads, print a summary table and write summary.json, CSV series and report.html.",
    )
    .argument("[scenario-file]", "the scenario YAML, as --scenario")
    .option(
      "--scenario <file>",
      "scenario YAML (see config/scenarios/README.md); default: the built-in default scenario",
    )
    .option(
      "--policies <list>",
      `comma-separated policies to run instead of the scenario's (known: ${POLICY_NAMES.join(", ")}; inference scenarios take policy+static-peak or policy+forecast; fleet scenarios policy+static-peak, policy+reactive or policy+forecast)`,
    )
    .option(
      "--seeds <N|list>",
      "N: the scenario's first N seeds (seeds 1..N if it lists fewer); a,b,c: exactly these seeds (a single seed: 42,)",
    )
    .option("--out <dir>", "output folder (default: out/<scenario name>)")
    .option(
      "--shard <i/n>",
      "run only shard i of n of the sweep (i is 0-based: 0..n-1) and write shard-i-of-n.json into --out, for `tierfit simulate merge`",
    )
    .option(
      "--workers <n>",
      "worker threads (default: the number of runs, at most one per CPU core); 1 runs in this process",
    )
    .option("--quiet", "no progress output on stderr")
    .addOption(outputOption("table", " (also for `simulate merge`)"))
    .addHelpText("after", SIMULATE_HELP)
    .action(async (file: string | undefined, opts: SimulateOptions) => {
      if (file !== undefined && opts.scenario !== undefined && file !== opts.scenario) {
        throw new TierfitError(
          "TF_ERR_USAGE",
          `two scenarios given: ${file} and --scenario ${opts.scenario}; pick one`,
        );
      }
      await simulateAction({ ...opts, scenario: opts.scenario ?? file });
    });

  simulate
    .command("merge")
    .description(
      "Combine the shard-i-of-n.json files of a sharded sweep (checking that every run is there exactly once) and write the report an unsharded run writes.",
    )
    .argument("<paths...>", "folders holding shard-*-of-*.json files, or the files themselves")
    .option("--out <dir>", "output folder (default: the first folder given)")
    .action(async (paths: string[], opts: MergeOptions) => {
      // The root program hands options after the subcommand to `simulate` when it has one of the
      // same name, so `simulate merge DIR --out X` arrives as simulate's --out.
      const parent = simulate.opts() as SimulateOptions;
      await mergeAction(paths, { out: opts.out ?? parent.out, output: parent.output });
    });
}

async function simulateAction(opts: SimulateOptions): Promise<void> {
  const { parseShardSpec } = await import("../../../sim/sweep/shard.js");
  const { defaultScenario, loadScenario } = await import("../../../sim/scenario/load.js");
  const { runSweep } = await import("../../../sim/sweep/sweep.js");
  const { writeShardReport, writeSweepReport } = await import("../../../sim/sweep/outputs.js");
  const { shardFileFor } = await import("../../../sim/sweep/shard-file.js");
  const shard = opts.shard === undefined ? undefined : parseShardSpec(opts.shard);
  const workers = opts.workers === undefined ? undefined : parseWorkers(opts.workers);
  const scenario = opts.scenario === undefined ? defaultScenario() : loadScenario(opts.scenario);
  const out = opts.out ?? join("out", scenario.name);
  checkWritableDir(out, "--out");
  const progress = await progressFor(opts.quiet === true);
  const outcome = await runSweep({
    scenario,
    policies: opts.policies,
    seeds: opts.seeds,
    shard,
    workers,
    progress,
  });
  if (outcome.execution.note && !opts.quiet) process.stderr.write(`simulate: note: ${outcome.execution.note}\n`);
  const identity = { scenario: scenario.name, description: scenario.description, kind: scenario.kind };
  if (shard === undefined) {
    print(writeSweepReport(out, identity, outcome.results), opts.output);
    return;
  }
  if (outcome.runs.length === 0 && !opts.quiet) {
    const total = outcome.plan.runs.length;
    process.stderr.write(
      `simulate: note: shard ${shard.index} of ${shard.count} has no runs (the sweep has ${total})\n`,
    );
  }
  const file = shardFileFor(identity, shard, outcome.plan, outcome.results);
  print(writeShardReport(out, file, scenario.kind), opts.output);
}

async function mergeAction(paths: readonly string[], opts: MergeOptions): Promise<void> {
  const { mergeShards } = await import("../../../sim/sweep/merge.js");
  const { readShardFiles } = await import("../../../sim/sweep/shard-file.js");
  const { writeSweepReport } = await import("../../../sim/sweep/outputs.js");
  const out = opts.out ?? defaultMergeOut(paths[0]);
  checkWritableDir(out, "--out");
  const merged = mergeShards(readShardFiles(paths));
  if (opts.output !== "json") {
    process.stdout.write(
      `merged ${merged.runs.length} run(s) of ${merged.scenario} from ${merged.shardCount} shard(s)\n\n`,
    );
  }
  print(writeSweepReport(out, merged, merged.runs), opts.output);
}

function print(printed: Printed, output: OutputFormat): void {
  process.stdout.write(output === "json" ? `${JSON.stringify(printed.json, null, 2)}\n` : printed.text);
}

function defaultMergeOut(path: string): string {
  try {
    return statSync(path).isDirectory() ? path : dirname(path);
  } catch {
    return dirname(path);
  }
}

function parseWorkers(text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new TierfitError("TF_ERR_INPUT", `--workers "${text}": expected a whole number of threads ≥ 1`);
  }
  return n;
}

/** A bar on a terminal, a line per run in a log, nothing with --quiet. */
async function progressFor(quiet: boolean): Promise<SweepProgress> {
  const { lineProgress, quietProgress } = await import("../../../sim/sweep/progress.js");
  if (quiet) return quietProgress;
  if (process.stderr.isTTY) return (await import("../../../sim/sweep/progress-bar.js")).barProgress(process.stderr);
  return lineProgress((line) => process.stderr.write(`${line}\n`));
}
