import { describe, expect, it } from "vitest";
import type { RankLevel } from "../../src/config/schema.js";
import { bandOf, bandsOf, rankCount, rankedCombine, rankedCombineAt } from "../../src/scoring/ranked.js";

const LEVELS: RankLevel[] = [
  { signal: "isolationTier", step: 5 },
  { signal: "consolidation", step: 1 },
  { signal: "gpuMemory", step: 0 },
];
const combine = rankedCombine(LEVELS);
const score = (isolationTier: number, consolidation: number, gpuMemory: number) =>
  combine({ isolationTier, consolidation, gpuMemory });

describe("ranked combination", () => {
  it("cuts a score into bands `step` wide, 10 in a band of its own", () => {
    // step 5: [0,5) → 0, [5,10) → 1, 10 → 2, so three bands; step 2: six.
    expect(bandsOf(5)).toBe(3);
    expect(bandsOf(2)).toBe(6);
    expect(bandsOf(0.1)).toBe(101);
    expect(bandsOf(0)).toBe(0);
    expect([0, 4.99, 5, 9.99, 10].map((s) => bandOf(s, 5, 3))).toEqual([0, 0, 1, 1, 2]);
    expect(rankCount(LEVELS)).toBe(3 * 11);
  });

  it("writes the bands as digits, the first level most significant (hand-computed)", () => {
    // tier band 2 of 3, consolidation band 8 of 11, gpuMemory 5 exact:
    // 10 · (2/3 + 8/33 + (5/10) · (1/33) · (1 − 2⁻²⁰)) = 10 · (22 + 8 + 0.5·(1 − 2⁻²⁰)) / 33
    expect(score(10, 8, 5)).toBeCloseTo((10 * (30 + 0.5 * (1 - 2 ** -20))) / 33, 12);
    // The top of everything stays just below 10, the bottom is 0.
    expect(score(10, 10, 10)).toBeLessThan(10);
    expect(score(10, 10, 10)).toBeGreaterThan(9.9999);
    expect(score(0, 0, 0)).toBe(0);
  });

  it("a better band on a level wins whatever the levels below say", () => {
    expect(score(10, 0, 0)).toBeGreaterThan(score(9.99, 10, 10)); // tier first
    expect(score(10, 9, 0)).toBeGreaterThan(score(10, 8.99, 10)); // then consolidation
    expect(score(10, 9, 6)).toBeGreaterThan(score(10, 9, 5.99)); // then gpuMemory, exactly
    // Inside one band, the next level decides: 5 and 9.99 are the same tier band.
    expect(score(5, 9, 0)).toBeGreaterThan(score(9.99, 8, 10));
  });

  it("by position gives the same number as by name", () => {
    const at = rankedCombineAt(LEVELS, [2, 0, 1]);
    // values by position: 0 = consolidation, 1 = gpuMemory, 2 = isolationTier
    const values = Float64Array.from([7, 3.3, 10]);
    expect(at(values, 0)).toBe(score(10, 7, 3.3));
  });

  it("random scores: comparing the combined number is comparing level by level", () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (10 * seed) / 2 ** 31;
    };
    const key = (t: number, c: number, g: number) => [bandOf(t, 5, 3), bandOf(c, 1, 11), g];
    for (let i = 0; i < 2000; i++) {
      const a = [next(), next(), next()] as const;
      const b = [next(), next(), next()] as const;
      const ka = key(...a);
      const kb = key(...b);
      const k = ka.findIndex((x, j) => x !== kb[j]);
      const lexical = k < 0 ? 0 : Math.sign(ka[k] - kb[k]);
      expect(Math.sign(score(...a) - score(...b))).toBe(lexical);
    }
  });
});
