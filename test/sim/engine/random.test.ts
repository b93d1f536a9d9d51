import { describe, expect, it } from "vitest";
import { Random } from "../../../sim/random.js";

function draws(rng: Random, n: number): number[] {
  return Array.from({ length: n }, () => rng.uint32());
}

describe("Random (xoshiro128**)", () => {
  it("matches the reference C implementation from state {1, 2, 3, 4}", () => {
    // Outputs of Blackman & Vigna's xoshiro128starstar.c next(), compiled and run from s = {1,2,3,4}.
    expect(draws(Random.fromState(1, 2, 3, 4), 6)).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it("gives the same numbers for the same (seed, name) and different ones otherwise", () => {
    const a = draws(Random.stream(42, "arrivals"), 20);
    expect(draws(Random.stream(42, "arrivals"), 20)).toEqual(a);
    expect(draws(Random.stream(43, "arrivals"), 20)).not.toEqual(a);
    expect(draws(Random.stream(42, "sizes"), 20)).not.toEqual(a);
    // Seeds that differ only above 32 bits are different seeds.
    expect(draws(Random.stream(2 ** 32 + 42, "arrivals"), 20)).not.toEqual(a);
  });

  it("keeps a stream's numbers when another consumer draws more", () => {
    const alone = draws(Random.stream(1, "tiers"), 10);
    const busy = Random.stream(1, "sizes");
    draws(busy, 1000);
    expect(draws(Random.stream(1, "tiers"), 10)).toEqual(alone);
  });

  it("int(n) stays in range and is roughly uniform", () => {
    const rng = Random.stream(5, "int");
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.int(6)]++;
    for (const c of counts) {
      expect(c).toBeGreaterThan(9_500);
      expect(c).toBeLessThan(10_500);
    }
    expect(() => rng.int(0)).toThrow(RangeError);
    expect(() => rng.int(2.5)).toThrow(RangeError);
  });

  it("shuffle is a permutation, reproducible, and moves things", () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const once = Random.stream(9, "shuffle").shuffle([...items]);
    expect([...once].sort((x, y) => x - y)).toEqual(items);
    expect(Random.stream(9, "shuffle").shuffle([...items])).toEqual(once);
    expect(once).not.toEqual(items);
  });

  it("shuffle walks Fisher–Yates from the end, as Go's rand.Shuffle does", () => {
    // With draws scripted as j = 0 each time: i=2 swaps [2]↔[0] → c,b,a; i=1 swaps [1]↔[0] → b,c,a.
    const rng = Random.stream(0, "x");
    rng.int = () => 0;
    expect(rng.shuffle(["a", "b", "c"])).toEqual(["b", "c", "a"]);
  });

  it("exponential, normal and next have the moments they should", () => {
    const rng = Random.stream(3, "moments");
    const n = 200_000;
    let expSum = 0;
    let normSum = 0;
    let normSq = 0;
    let uniformSum = 0;
    let outOfRange = 0;
    for (let i = 0; i < n; i++) {
      expSum += rng.exponential(4);
      const z = rng.normal();
      normSum += z;
      normSq += z * z;
      const u = rng.next();
      if (!(u >= 0 && u < 1)) outOfRange++;
      uniformSum += u;
    }
    expect(outOfRange).toBe(0);
    expect(expSum / n).toBeCloseTo(0.25, 2);
    expect(normSum / n).toBeCloseTo(0, 2);
    expect(normSq / n).toBeCloseTo(1, 1);
    expect(uniformSum / n).toBeCloseTo(0.5, 2);
  });

  it("pick and weightedIndex choose from what they are given", () => {
    const rng = Random.stream(11, "pick");
    expect(rng.pick(["only"])).toBe("only");
    const picked = new Set(Array.from({ length: 200 }, () => rng.pick(["a", "b", "c"])));
    expect([...picked].sort()).toEqual(["a", "b", "c"]);
    expect(() => rng.pick([])).toThrow(RangeError);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[rng.weightedIndex([1, 0, 3])]++;
    expect(counts[1]).toBe(0);
    expect(counts[2] / counts[0]).toBeGreaterThan(2.7);
    expect(counts[2] / counts[0]).toBeLessThan(3.3);
  });
});
