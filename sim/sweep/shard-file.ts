/**
 * shard-<i>-of-<n>.json: what one shard of a sweep hands to the merge step. It carries the whole
 * sweep's run list, so the merge can tell a missing shard from a finished sweep, and the runs
 * with their series, so the merged report is the one an unsharded run writes.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { TierfitError } from "../../src/errors.js";
import type { RunResult } from "../results.js";
import { SCENARIO_KINDS, type ScenarioKind } from "../scenario/schema.js";
import type { SweepPlan } from "./plan.js";
import { type ShardSpec, shardFileName } from "./shard.js";

export const SHARD_FORMAT = "tierfit-simulate-shard/1" as const;
const SHARD_FILE_NAME = /^shard-\d+-of-\d+\.json$/;

export interface ShardFile {
  readonly format: typeof SHARD_FORMAT;
  readonly scenario: string;
  readonly description: string;
  /** Picks the summary table's metrics after the merge. */
  readonly kind?: ScenarioKind;
  readonly shard: ShardSpec;
  /** Every run of the whole sweep, in sweep order. */
  readonly sweep: readonly { readonly policy: string; readonly seed: number }[];
  /** This shard's runs. */
  readonly runs: readonly RunResult[];
}

export interface LoadedShard {
  /** Where it was read from, for messages. */
  readonly source: string;
  readonly file: ShardFile;
}

// JSON writes NaN and ±Infinity as null; read back, null becomes NaN again (a metric with no value).
const metric = z
  .number()
  .nullable()
  .transform((v) => v ?? Number.NaN);
const numbers = z.array(metric);
const runSchema = z.object({
  scenario: z.string(),
  policy: z.string(),
  seed: z.number().int(),
  metrics: z.record(z.string(), metric),
  perTier: z.record(z.string(), z.record(z.string(), metric)),
  allocationByArrival: z.array(z.number().nullable()).optional(),
  series: z.object({ t: numbers, provisionedGpus: numbers, allocatedGpus: numbers, usedGpus: numbers }),
  wallSeconds: z.number(),
});
const shardSchema = z.object({
  format: z.literal(SHARD_FORMAT),
  scenario: z.string(),
  description: z.string(),
  kind: z.enum(SCENARIO_KINDS).optional(),
  shard: z.object({ index: z.number().int().min(0), count: z.number().int().min(1) }),
  sweep: z.array(z.object({ policy: z.string(), seed: z.number().int() })),
  runs: z.array(runSchema),
});

/** The shard file of `runs`, the results of `shard` of the sweep `plan`. */
export function shardFileFor(
  sweep: { readonly scenario: string; readonly description: string; readonly kind?: ScenarioKind },
  shard: ShardSpec,
  plan: SweepPlan,
  runs: readonly RunResult[],
): ShardFile {
  return {
    format: SHARD_FORMAT,
    scenario: sweep.scenario,
    description: sweep.description,
    kind: sweep.kind,
    shard,
    sweep: plan.runs.map(({ policy, seed }) => ({ policy, seed })),
    runs,
  };
}

export function writeShardFile(dir: string, file: ShardFile): string {
  const path = join(dir, shardFileName(file.shard));
  writeFileSync(path, `${JSON.stringify(file)}\n`);
  return path;
}

/** Each argument is a shard file, or a folder whose shard-*-of-*.json files are all read. */
export function readShardFiles(paths: readonly string[]): LoadedShard[] {
  return paths.flatMap((path) => shardPaths(path)).map(readShardFile);
}

function shardPaths(path: string): string[] {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new TierfitError("TF_ERR_INPUT", `cannot read ${path}: no such file or folder`);
  }
  if (!isDir) return [path];
  const found = readdirSync(path)
    .filter((name) => SHARD_FILE_NAME.test(name))
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  if (found.length === 0) throw new TierfitError("TF_ERR_INPUT", `${path} holds no shard-<i>-of-<n>.json files`);
  return found.map((name) => join(path, name));
}

function readShardFile(source: string): LoadedShard {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(source, "utf8"));
  } catch (err) {
    throw new TierfitError("TF_ERR_INPUT", `cannot read shard file ${source}: ${(err as Error).message}`);
  }
  const parsed = shardSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    throw new TierfitError(
      "TF_ERR_INPUT",
      `${source} is not a shard file written by tierfit simulate --shard${where}: ${issue.message}`,
    );
  }
  return { source, file: parsed.data as ShardFile };
}
