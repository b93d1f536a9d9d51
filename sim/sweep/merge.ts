/**
 * Combining shard files into the sweep they came from. Every problem is collected before one
 * error is thrown: shards of different scenarios or shard counts, sweeps that disagree (different
 * --policies or --seeds), and runs missing, duplicated or not part of the sweep.
 */
import { TierfitError } from "../../src/errors.js";
import type { RunResult } from "../results.js";
import type { ScenarioKind } from "../scenario/schema.js";
import { runKey, runLabel } from "./plan.js";
import type { LoadedShard } from "./shard-file.js";

export interface MergedSweep {
  readonly scenario: string;
  readonly description: string;
  readonly kind?: ScenarioKind;
  readonly shardCount: number;
  /** In sweep order, as an unsharded run returns them. */
  readonly runs: RunResult[];
}

export function mergeShards(shards: readonly LoadedShard[]): MergedSweep {
  if (shards.length === 0) throw new TierfitError("TF_ERR_INPUT", "no shard files to merge");
  const problems = [...disagreements(shards)];
  if (problems.length > 0) throw mergeError(problems);

  const first = shards[0].file;
  const sources = new Map<string, string[]>();
  const found = new Map<string, RunResult>();
  for (const { source, file } of shards) {
    for (const run of file.runs) {
      const key = runKey(run);
      sources.set(key, [...(sources.get(key) ?? []), source]);
      found.set(key, run);
    }
  }
  const planned = new Set(first.sweep.map(runKey));
  const missing = first.sweep
    .map((run, index) => ({ ...run, index }))
    .filter((run) => !sources.has(runKey(run)))
    .map((run) => `${runLabel(run)} (shard ${run.index % first.shard.count} of ${first.shard.count})`);
  if (missing.length > 0) problems.push(`${count(missing.length, "run")} missing: ${missing.join(", ")}`);
  for (const [key, where] of sources) {
    const run = found.get(key)!;
    if (!planned.has(key)) problems.push(`${runLabel(run)} (in ${where.join(", ")}) is not part of the sweep`);
    else if (where.length > 1) problems.push(`${runLabel(run)} is duplicated: in ${where.join(", ")}`);
  }
  if (problems.length > 0) throw mergeError(problems);
  return {
    scenario: first.scenario,
    description: first.description,
    kind: first.kind,
    shardCount: first.shard.count,
    runs: first.sweep.map((run) => found.get(runKey(run))!),
  };
}

/** Shards must come from one scenario, one shard count and one run list. */
function disagreements(shards: readonly LoadedShard[]): string[] {
  const problems: string[] = [];
  const differ = (what: string, value: (s: LoadedShard) => string) => {
    const groups = new Map<string, string[]>();
    for (const s of shards) groups.set(value(s), [...(groups.get(value(s)) ?? []), s.source]);
    if (groups.size > 1) {
      const list = [...groups].map(([v, files]) => `${v} (${files.join(", ")})`).join("; ");
      problems.push(`the shards come from different ${what}: ${list}`);
    }
  };
  differ("scenarios", (s) => s.file.scenario);
  differ("shard counts", (s) => `n=${s.file.shard.count}`);
  differ("sweeps (--policies/--seeds)", (s) => {
    const policies = [...new Set(s.file.sweep.map((r) => r.policy))];
    const seeds = [...new Set(s.file.sweep.map((r) => r.seed))];
    return `policies ${policies.join(",")} × seeds ${seeds.join(",")}`;
  });
  return problems;
}

function mergeError(problems: readonly string[]): TierfitError {
  return new TierfitError(
    "TF_ERR_INPUT",
    `cannot merge the shards (${count(problems.length, "problem")}):\n${problems.map((p) => `  ${p}`).join("\n")}`,
  );
}

function count(n: number, what: string): string {
  return n === 1 ? `1 ${what}` : `${n} ${what}s`;
}
