/**
 * The scoring framework's shapes, after kube-scheduler's: signals with filter / preScore / score,
 * per-pod cycle state, a runner that normalises, weights and range-checks. Pure and synchronous.
 */
import type { NodeState, PodRequest } from "../cluster/types.js";
import type { SignalName, TierfitConfig } from "../config/schema.js";
import type { DemandSnapshot } from "./demand-snapshot.js";
import type { ScoringPolicy } from "./policy.js";

/** Why a node cannot take a pod. `unresolvable`: evicting pods there would not help (e.g. tier too weak). */
export interface Rejection {
  readonly signal: string;
  readonly reason: string;
  readonly unresolvable: boolean;
}

/** Weighted fragmentation workload mix, resolved from config (or from a trace by the simulator). */
export interface TypicalPod {
  readonly milliCpu: number;
  readonly gpuCount: number;
  readonly gpuMilli: number;
  /** Normalised so the mix sums to 1. */
  readonly weight: number;
  /** GPU products it may use (the openb trace's gpu_spec); absent or empty = any. */
  readonly gpuProducts?: readonly string[];
}

export interface ScoringContext {
  readonly config: TierfitConfig;
  readonly demand: DemandSnapshot;
  /** The clock value (ms since epoch) staleness is judged against: wall clock in the extender, simulated in sim/. */
  readonly now: number;
  readonly workloadMix: readonly TypicalPod[];
  /** Which signals run and how their scores combine (tierfit's own, or a baseline in the simulator). */
  readonly policy: ScoringPolicy;
}

/**
 * One scoring signal. `preScore` runs once per pod (cycle state); `filter` and `score` run per
 * node and must not allocate on the pass path: they sit in the hottest loop of both drivers.
 */
export interface Signal<Pre = unknown> {
  readonly name: string;
  preScore(pod: PodRequest, ctx: ScoringContext): Pre;
  /** null = the node passes. */
  filter(pod: PodRequest, node: NodeState, ctx: ScoringContext, pre: Pre): Rejection | null;
  /**
   * Optional fast form of `filter` (same verdict, no reason built): what the simulator's
   * winner-only path calls, where most nodes fail and building reasons would dominate.
   */
  fits?(pod: PodRequest, node: NodeState, ctx: ScoringContext, pre: Pre): boolean;
  /** False for a score-only signal whose filter passes every node: the cycle skips it when filtering. */
  readonly filters?: false;
  /** Raw score of a node that passed every filter; higher is better. */
  score(pod: PodRequest, node: NodeState, ctx: ScoringContext, pre: Pre): number;
  /**
   * Optional winner in one pass, for a policy ranked by this signal alone (scores that vary per
   * pod, so the simulator's memo keeps only verdicts): the index of the node with the highest
   * score among those whose `verdicts[i]` is not negative, ties to the smaller name; -1 when
   * none. It must agree with `score`, whose values must lie in 0..10. `layout` stays the same
   * only while every position holds a node of the same name (PlacementMemo.layout), so facts
   * derived from names may be kept by position while it does.
   */
  bestEach?(
    pod: PodRequest,
    nodes: readonly NodeState[],
    verdicts: Float64Array,
    ctx: ScoringContext,
    pre: Pre,
    layout: number,
  ): number;
  /**
   * How the runner maps raw scores to 0..10: `fixed` = the raw score already is 0..10;
   * `max` = divide by the best raw score among the passing nodes (kube's NormalizeScore).
   */
  readonly normalize: "fixed" | "max";
}

export interface NodeDecision {
  readonly name: string;
  readonly passed: boolean;
  readonly rejection: Rejection | null;
  /** Each signal's normalised 0..10 score (empty for a node that failed). */
  readonly signals: Readonly<Partial<Record<SignalName | string, number>>>;
  /** Combined score before rounding, 0..10 (breaks ties between equal integer scores). */
  readonly rawScore: number;
  /** Integer 0..10, what the extender returns to kube-scheduler. */
  readonly score: number;
}

export interface Decision {
  readonly winner: string | null;
  /** In the order the nodes were given. */
  readonly nodes: readonly NodeDecision[];
}
