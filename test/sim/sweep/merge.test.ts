import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { mergeShards } from "../../../sim/sweep/merge.js";
import { quietProgress } from "../../../sim/sweep/progress.js";
import {
  type LoadedShard,
  readShardFiles,
  SHARD_FORMAT,
  shardFileFor,
  writeShardFile,
} from "../../../sim/sweep/shard-file.js";
import { runSweep } from "../../../sim/sweep/sweep.js";
import { fakeShard, tinyScenario, withoutTiming } from "./support.js";

const loaded = (...files: ReturnType<typeof fakeShard>[]): LoadedShard[] =>
  files.map((file) => ({ source: `shard-${file.shard.index}-of-${file.shard.count}.json`, file }));

describe("merging shards", () => {
  let dir = "";
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = "";
  });

  it("puts the runs back in sweep order whatever order the shards come in", () => {
    const merged = mergeShards(loaded(fakeShard(2, 3), fakeShard(0, 3), fakeShard(1, 3)));
    expect(merged.runs.map((r) => `${r.policy}/${r.seed}`)).toEqual(["a/1", "a/2", "a/3", "b/1", "b/2", "b/3"]);
    expect(merged.runs[4].metrics.gpuAllocationRatio).toBe(0.02);
    expect(merged).toMatchObject({ scenario: "unit", kind: "synthetic", shardCount: 3 });
  });

  it("names the missing runs and the shard they belong to", () => {
    expect(() => mergeShards(loaded(fakeShard(0, 3), fakeShard(2, 3)))).toThrow(
      "2 runs missing: a seed 2 (shard 1 of 3), b seed 2 (shard 1 of 3)",
    );
  });

  it("names duplicated runs and the files holding them", () => {
    const twice = [...loaded(fakeShard(0, 2), fakeShard(1, 2)), { source: "copy.json", file: fakeShard(1, 2) }];
    expect(() => mergeShards(twice)).toThrow(/a seed 2 is duplicated: in shard-1-of-2\.json, copy\.json/);
  });

  it("refuses shards of different scenarios, shard counts or sweeps, listing each", () => {
    expect(() => mergeShards(loaded(fakeShard(0, 2), fakeShard(1, 2, ["a", "b"], [1, 2, 3], "other")))).toThrow(
      /different scenarios: unit \(shard-0-of-2\.json\); other \(shard-1-of-2\.json\)/,
    );
    expect(() => mergeShards(loaded(fakeShard(0, 2), fakeShard(1, 3)))).toThrow(/different shard counts: n=2 .*; n=3/);
    expect(() => mergeShards(loaded(fakeShard(0, 2), fakeShard(1, 2, ["a", "b"], [1, 2])))).toThrow(
      /different sweeps \(--policies\/--seeds\): policies a,b × seeds 1,2,3 .*; policies a,b × seeds 1,2 /,
    );
  });

  it("refuses runs that are not part of the sweep", () => {
    const stray = fakeShard(0, 1);
    const runs = [...stray.runs, { ...stray.runs[0], policy: "c" }];
    expect(() => mergeShards([{ source: "x.json", file: { ...stray, runs } }])).toThrow(
      /c seed 1 \(in x\.json\) is not part of the sweep/,
    );
  });

  it("reads shard files from folders, and rejects files that are not shard files", () => {
    dir = mkdtempSync(join(tmpdir(), "tierfit-merge-"));
    writeShardFile(dir, fakeShard(1, 2));
    writeShardFile(dir, fakeShard(0, 2));
    const read = readShardFiles([dir]);
    expect(read.map((s) => s.source)).toEqual([join(dir, "shard-0-of-2.json"), join(dir, "shard-1-of-2.json")]);
    expect(read[1].file.runs[0]).toEqual(fakeShard(1, 2).runs[0]);

    writeFileSync(join(dir, "bad.json"), JSON.stringify({ format: SHARD_FORMAT, scenario: "unit" }));
    expect(() => readShardFiles([join(dir, "bad.json")])).toThrow(/bad\.json is not a shard file .* at description/);
    expect(() => readShardFiles([join(dir, "nope")])).toThrow(/cannot read .*nope: no such file or folder/);
    const empty = mkdtempSync(join(dir, "empty-"));
    expect(() => readShardFiles([empty])).toThrow(/holds no shard-<i>-of-<n>\.json files/);
  });

  it("gives back NaN metrics that JSON wrote as null", () => {
    dir = mkdtempSync(join(tmpdir(), "tierfit-merge-"));
    const file = fakeShard(0, 1);
    const runs = [{ ...file.runs[0], metrics: { overprovisioningRatio: Number.NaN } }, ...file.runs.slice(1)];
    writeShardFile(dir, { ...file, runs });
    expect(readShardFiles([dir])[0].file.runs[0].metrics.overprovisioningRatio).toBeNaN();
  });

  it("merges real shards into exactly what an unsharded sweep returns", async () => {
    dir = mkdtempSync(join(tmpdir(), "tierfit-merge-"));
    const scenario = tinyScenario();
    const whole = await runSweep({ scenario, progress: quietProgress, workers: 1 });
    for (const index of [0, 1, 2, 3]) {
      const shard = { index, count: 4 };
      const part = await runSweep({ scenario, shard, progress: quietProgress, workers: 1 });
      const identity = { scenario: scenario.name, description: scenario.description, kind: scenario.kind };
      writeShardFile(dir, shardFileFor(identity, shard, part.plan, part.results));
    }
    const merged = mergeShards(readShardFiles([dir]));
    expect(whole.results).toHaveLength(6);
    expect(withoutTiming(merged.runs)).toEqual(withoutTiming(whole.results));
    // Not a vacuous comparison: the runs differ from one another.
    expect(new Set(whole.results.map((r) => r.metrics.pendingSecondsP95)).size).toBeGreaterThan(1);
  });
});
