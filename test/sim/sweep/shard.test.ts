import { describe, expect, it } from "vitest";
import { planSweep } from "../../../sim/sweep/plan.js";
import { inShard, parseShardSpec, shardFileName, shardRuns } from "../../../sim/sweep/shard.js";

describe("shard assignment", () => {
  const plan = planSweep("s", ["kube-default", "bestfit", "fgd"], [42, 43, 44, 45, 46, 47, 48]);

  it("plans policies × seeds, policy-major, with consecutive indexes", () => {
    expect(plan.runs).toHaveLength(21);
    expect(plan.runs.slice(6, 8)).toEqual([
      { index: 6, policy: "kube-default", seed: 48 },
      { index: 7, policy: "bestfit", seed: 42 },
    ]);
    expect(plan.runs.map((r) => r.index)).toEqual([...Array(21).keys()]);
  });

  for (const count of [1, 2, 3, 4, 5]) {
    it(`puts every run in exactly one of ${count} shard(s), run k in shard k mod ${count}`, () => {
      const shards = Array.from({ length: count }, (_, index) => shardRuns(plan.runs, { index, count }));
      const seen = shards.flat().map((r) => r.index);
      expect([...seen].sort((a, b) => a - b)).toEqual(plan.runs.map((r) => r.index));
      shards.forEach((runs, index) => {
        for (const run of runs) expect(run.index % count).toBe(index);
      });
      // Round-robin: shard sizes differ by at most one.
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    });
  }

  it("gives a shard beyond the number of runs nothing", () => {
    const small = planSweep("s", ["a"], [1, 2]);
    expect(shardRuns(small.runs, { index: 4, count: 5 })).toEqual([]);
    expect(inShard({ index: 1 }, { index: 1, count: 5 })).toBe(true);
  });
});

describe("--shard i/n", () => {
  it("parses 0-based i of n", () => {
    expect(parseShardSpec("0/4")).toEqual({ index: 0, count: 4 });
    expect(parseShardSpec(" 3 / 4 ")).toEqual({ index: 3, count: 4 });
    expect(shardFileName({ index: 2, count: 5 })).toBe("shard-2-of-5.json");
  });

  it.each([
    ["4/4", /counts from 0, so for 4 shard\(s\) it must be 0\.\.3/],
    ["1/0", /shard count n must be at least 1/],
    ["1", /not of the form i\/n/],
    ["-1/3", /not of the form i\/n/],
    ["a/b", /not of the form i\/n/],
    ["1.5/3", /not of the form i\/n/],
  ])("rejects %s", (text, message) => {
    expect(() => parseShardSpec(text)).toThrow(message);
  });
});
