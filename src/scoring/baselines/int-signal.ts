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

export function intScoreSignal<Pre>(
  name: string,
  preScore: (pod: PodRequest, ctx: ScoringContext) => Pre,
  score100: IntScorer<Pre>,
): Signal<Pre> {
  return {
    name,
    normalize: "fixed",
    preScore,
    filter: () => null,
    fits: () => true,
    filters: false,
    score: (pod, node, ctx, pre) => score100(pod, node, ctx, pre) / 10,
  };
}
