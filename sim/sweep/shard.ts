/**
 * Splitting a sweep across machines: shard i of n (i counts from 0) takes the runs whose sweep
 * index k has k mod n = i. Round-robin rather than contiguous blocks, so every shard gets a mix
 * of policies (some are much slower than others) and shards finish at about the same time.
 */
import { TierfitError } from "../../src/errors.js";
import type { PlannedRun } from "./plan.js";

export interface ShardSpec {
  /** 0-based. */
  readonly index: number;
  readonly count: number;
}

/** Parses `i/n` (e.g. `0/4` … `3/4`), the form the Indexed Job passes. */
export function parseShardSpec(text: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) {
    throw new TierfitError("TF_ERR_INPUT", `--shard "${text}" is not of the form i/n (e.g. 0/4; i counts from 0)`);
  }
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new TierfitError("TF_ERR_INPUT", `--shard ${text}: the shard count n must be at least 1`);
  }
  if (!Number.isSafeInteger(index) || index >= count) {
    throw new TierfitError(
      "TF_ERR_INPUT",
      `--shard ${text}: the index counts from 0, so for ${count} shard(s) it must be 0..${count - 1}`,
    );
  }
  return { index, count };
}

export function inShard(run: Pick<PlannedRun, "index">, shard: ShardSpec): boolean {
  return run.index % shard.count === shard.index;
}

export function shardRuns(runs: readonly PlannedRun[], shard: ShardSpec): PlannedRun[] {
  return runs.filter((run) => inShard(run, shard));
}

export function shardFileName(shard: ShardSpec): string {
  return `shard-${shard.index}-of-${shard.count}.json`;
}

export function shardLabel(shard: ShardSpec): string {
  return `shard ${shard.index} of ${shard.count}`;
}
