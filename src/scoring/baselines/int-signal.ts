/**
 * Baselines score nodes with integers 0..100, as kube-scheduler's plugins and the FGD artifact
 * do. A score-only signal carries such a score as `int / 10` with fixed normalisation, so the
 * runner's order (rounded score, then raw score, then node name) is the scheduler's order
 * (integer score, then the tie rule, here the smallest name). Its filter passes every node: the
 * baselines' filters are separate signals (filters.ts).
 */
import type { NodeState, PodRequest } from "../../cluster/types.js";
import type { ScoringContext, Signal } from "../types.js";

export type IntScorer<Pre> = (pod: PodRequest, node: NodeState, ctx: ScoringContext, pre: Pre) => number;

/** The same integer score for `nodes[i]`, for a scorer that keeps per-node facts by position. */
export type IntScorerAt<Pre> = (
  pod: PodRequest,
  nodes: readonly NodeState[],
  i: number,
  ctx: ScoringContext,
  pre: Pre,
) => number;

/** `score100At`, optional, gives the signal a batch form (Signal.scoreEach) with the same values. */
export function intScoreSignal<Pre>(
  name: string,
  preScore: (pod: PodRequest, ctx: ScoringContext) => Pre,
  score100: IntScorer<Pre>,
  score100At?: IntScorerAt<Pre>,
): Signal<Pre> {
  return {
    name,
    normalize: "fixed",
    preScore,
    filter: () => null,
    fits: () => true,
    score: (pod, node, ctx, pre) => score100(pod, node, ctx, pre) / 10,
    scoreEach:
      score100At &&
      ((pod, nodes, verdicts, ctx, pre, out, offset, stride) => {
        for (let i = 0; i < nodes.length; i++) {
          if (verdicts[i] >= 0) out[i * stride + offset] = score100At(pod, nodes, i, ctx, pre) / 10;
        }
      }),
  };
}

/** The integer a signal built here was given (exact: n / 10 * 10 rounds back to n). */
export function int100(score: number): number {
  return Math.round(score * 10);
}
