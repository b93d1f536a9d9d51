/**
 * A scoring policy: which signals run (every one filters; their scores are combined) and how
 * the 0..10 scores combine into one. tierfit's own policy comes from config; the simulator adds
 * baselines (kube least/most-allocated, the FGD paper's) as other policies over the same runner.
 */

import type { NodeState, PodRequest } from "../cluster/types.js";
import { SIGNAL_NAMES, type SignalName, type TierfitConfig } from "../config/schema.js";
import { compileScoreExpression } from "./expression.js";
import type { CompiledMix } from "./fragmentation.js";
import { rankedCombine, rankedCombineAt } from "./ranked.js";
import { SIGNALS } from "./signals/index.js";
import type { Signal } from "./types.js";

/** How a pod's GPUs are picked on a node (device-choice.ts); overrides the workload class's packing. */
export type DevicePacking = "fill" | "binpack" | "spread" | "fragmentation";

/**
 * Picks the device for a pod that takes a share of one GPU, among the devices that qualify
 * (positions in node.devices, ascending, at least one): how the FGD artifact's baselines choose
 * (at random, or by FGD score) while device choice stays one function for every policy.
 */
export type SharedDeviceChooser = (
  pod: PodRequest,
  node: NodeState,
  candidates: readonly number[],
  mix: CompiledMix,
) => number;

/** Mutable tallies a driver may export as metrics. */
export interface PolicyCounters {
  /** Combined scores that came out NaN or infinite (an expression dividing by zero…), scored 0. */
  nonFiniteScores: number;
}

export interface ScoringPolicy {
  readonly name: string;
  readonly signals: readonly Signal[];
  /** Combines each signal's normalised 0..10 score (keyed by signal name) into one 0..10 score. */
  combine(scores: Readonly<Record<string, number>>): number;
  /**
   * The same combination read by position (in `signals` order) from `values[offset ..]`: the
   * winner-only loops use it to skip filling the by-name record for every node. Absent = combine.
   */
  readonly combineAt?: (values: Float64Array, offset: number) => number;
  /** Device choice for every pod under this policy; absent = per workload class (config). */
  readonly packing?: DevicePacking;
  /** Device choice for a pod sharing one GPU, replacing the packing's; absent = the packing decides. */
  readonly chooseSharedDevice?: SharedDeviceChooser;
  /**
   * Whether other tenants' pods keep a pod off a GPU (tenancy.ts); absent = true. Baselines set
   * false: like kube, they know nothing of tenants, so a simulation can count what that costs.
   */
  readonly enforceIsolation?: boolean;
  /**
   * False when a score depends on more of the pod than its shape (placement-memo.ts podShapeKey),
   * e.g. the random baseline's per-pod draws: the runner's memo then reuses only the filters'
   * verdicts (which must still depend on the shape alone) and scores again. Absent = true.
   */
  readonly shapeDetermined?: boolean;
  readonly counters?: PolicyCounters;
}

/** The combination of a policy ranked by its first signal alone (policy.combineAt). */
export const soleScore = (values: Float64Array, offset: number): number => values[offset];

/** Weighted mean of the named scores; 0 when every weight is 0. */
export function weightedCombine(
  weights: Readonly<Record<string, number>>,
): (scores: Readonly<Record<string, number>>) => number {
  const names = Object.keys(weights).filter((n) => weights[n] > 0);
  const w = names.map((n) => weights[n]);
  const total = w.reduce((a, b) => a + b, 0);
  return (scores) => {
    if (total === 0) return 0;
    let sum = 0;
    for (let i = 0; i < names.length; i++) sum += w[i] * (scores[names[i]] ?? 0);
    return sum / total;
  };
}

/**
 * weightedCombine by position: `order` names the signal at each position. It adds in the same
 * order as weightedCombine, so both give the same float to the last bit.
 */
export function weightedCombineAt(
  weights: Readonly<Record<string, number>>,
  order: readonly string[],
): (values: Float64Array, offset: number) => number {
  const names = Object.keys(weights).filter((n) => weights[n] > 0 && order.includes(n));
  const positions = names.map((n) => order.indexOf(n));
  const w = names.map((n) => weights[n]);
  const total = Object.keys(weights).reduce((sum, n) => sum + Math.max(weights[n], 0), 0);
  return (values, offset) => {
    if (total === 0) return 0;
    let sum = 0;
    for (let k = 0; k < positions.length; k++) sum += w[k] * values[offset + positions[k]];
    return sum / total;
  };
}

/**
 * The signal as a filter only (score 0), for policies that need its hard rules but not its
 * opinion, e.g. the FGD baseline keeps GPU memory and CPU fit but ranks by fragmentation alone.
 */
export function filterOnly<P>(signal: Signal<P>): Signal<P> {
  return {
    name: signal.name,
    normalize: "fixed",
    preScore: (pod, ctx) => signal.preScore(pod, ctx),
    filter: (pod, node, ctx, pre) => signal.filter(pod, node, ctx, pre),
    fits: signal.fits ? (pod, node, ctx, pre) => signal.fits?.(pod, node, ctx, pre) ?? true : undefined,
    score: () => 0,
  };
}

/**
 * tierfit's policy: every signal, combined by the config's expression if set, else ranked level
 * by level (ranked.ts) or by the weighted mean, as `scoring.combine` says. The expression is
 * compiled here, once; config validation is expected to have rejected a bad one already (it
 * calls compileScoreExpression), so a failure here is a programmer error.
 */
export function tierfitPolicy(config: TierfitConfig): ScoringPolicy {
  const expression = config.scoring.expression;
  const counters = { nonFiniteScores: 0 };
  if (expression !== null) {
    const compiled = compileScoreExpression(expression);
    if (!compiled.ok) throw new Error(`scoring.expression should have been validated: ${compiled.error}`);
    // Validation tries the expression on sample signals; one that still throws on other values
    // scores that node as a non-finite result (0, counted) rather than failing the whole call.
    const combine = (signals: Readonly<Record<string, number>>): number => {
      try {
        return compiled.evaluate(signals);
      } catch {
        return Number.NaN;
      }
    };
    return { name: "tierfit", signals: SIGNALS, combine, counters };
  }
  const order = SIGNALS.map((s) => s.name);
  if (config.scoring.combine === "ranked") {
    const levels = config.scoring.ranked;
    const combineAt = rankedCombineAt(
      levels,
      levels.map((l) => order.indexOf(l.signal)),
    );
    return { name: "tierfit", signals: SIGNALS, combine: rankedCombine(levels), combineAt, counters };
  }
  const weights = weightsOf(config);
  const combineAt = weightedCombineAt(weights, order);
  return { name: "tierfit", signals: SIGNALS, combine: weightedCombine(weights), combineAt, counters };
}

function weightsOf(config: TierfitConfig): Record<SignalName, number> {
  const out = {} as Record<SignalName, number>;
  for (const name of SIGNAL_NAMES) out[name] = config.scoring.weights[name] ?? 0;
  return out;
}
