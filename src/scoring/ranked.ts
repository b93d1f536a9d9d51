/**
 * The ranked (lexicographic) combination: nodes compare on the first level's signal, and only
 * nodes tied there compare on the next, and so on; a weighted mean cannot say "keep strong tiers
 * first, then consolidate, then de-fragment" without one signal's large swing drowning another's.
 *
 * Each level cuts its signal's 0..10 score into bands `step` wide (band = ⌊score / step⌋, so a
 * score of exactly 10 has a band of its own); nodes in the same band tie on that level. A last
 * level with step 0 compares exact scores. The bands are written as digits of one number in
 * 0..10 (level 1 the most significant): comparing that number is comparing level by level, so
 * the runner's one-number ranking, its memo and kube-scheduler's integer all keep working.
 *
 * What kube-scheduler sees is Math.round of that number: the first levels' bands, coarsely (with
 * the default levels, a node one tier stronger than the pod needs loses about 3 points, one whose
 * GPUs lack compute headroom about 1, one whose CPU would strand GPUs less than 1); the finer
 * levels only order nodes inside tierfit's own pick (the simulator, `tierfit explain`).
 */
import type { RankLevel } from "../config/schema.js";

/** Above this many distinct ranks the digits would no longer fit a double's 52-bit mantissa exactly. */
export const MAX_RANKS = 2 ** 40;

/** Bands of a level: ⌊10 / step⌋ + 1 (0 for an exact level). */
export function bandsOf(step: number): number {
  return step > 0 ? Math.floor(10 / step + 1e-9) + 1 : 0;
}

/** How many distinct ranks the banded levels give (the product of their band counts). */
export function rankCount(levels: readonly Pick<RankLevel, "step">[]): number {
  return levels.reduce((n, l) => n * Math.max(1, bandsOf(l.step)), 1);
}

/** A level's band for a 0..10 score. */
export function bandOf(score: number, step: number, bands: number): number {
  return Math.min(bands - 1, Math.max(0, Math.floor(score / step + 1e-9)));
}

/**
 * The combined 0..10 score from the levels' scores read at `positions[k]` of `values[offset ..]`.
 * An exact last level fills the room below its predecessors' last digit, never reaching the next.
 */
export function rankedCombineAt(
  levels: readonly RankLevel[],
  positions: readonly number[],
): (values: Float64Array, offset: number) => number {
  const steps = levels.map((l) => l.step);
  const bands = steps.map(bandsOf);
  const n = levels.length;
  // Just under 1: an exact score of 10 stays below the next band's first value.
  const EXACT = 1 - 2 ** -20;
  return (values, offset) => {
    let value = 0;
    let scale = 1;
    for (let k = 0; k < n; k++) {
      const score = values[offset + positions[k]];
      if (bands[k] === 0) {
        value += (score / 10) * scale * EXACT;
        break;
      }
      scale /= bands[k];
      value += bandOf(score, steps[k], bands[k]) * scale;
    }
    return 10 * value;
  };
}

/** rankedCombineAt over scores keyed by signal name (decide, explanations). */
export function rankedCombine(levels: readonly RankLevel[]): (scores: Readonly<Record<string, number>>) => number {
  const at = rankedCombineAt(
    levels,
    levels.map((_, k) => k),
  );
  const values = new Float64Array(levels.length);
  return (scores) => {
    for (let k = 0; k < levels.length; k++) values[k] = scores[levels[k].signal] ?? 0;
    return at(values, 0);
  };
}
