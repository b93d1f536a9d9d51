/**
 * One pod's scheduling cycle over a policy's signals: per-pod state computed once (preScore),
 * then per-node filter, raw scores, normalisation and combination. runner.ts builds the public
 * calls on these steps; they allocate nothing per node on the pass path.
 */
import type { NodeState, PodRequest } from "../cluster/types.js";
import type { PolicyCounters, ScoringPolicy } from "./policy.js";
import type { Rejection, ScoringContext, Signal } from "./types.js";

export interface Cycle {
  readonly pod: PodRequest;
  readonly ctx: ScoringContext;
  readonly signals: readonly Signal[];
  readonly pres: unknown[];
  /** Positions of the signals that filter (Signal.filters), in order. */
  readonly filtering: readonly number[];
  /** True when no signal needs the best raw score among nodes, so one pass suffices. */
  readonly allFixed: boolean;
  /** Normalised scores of the node being combined, keyed by signal name; reused for every node. */
  readonly scores: Record<string, number>;
  readonly counters: PolicyCounters | undefined;
}

export function startCycle(pod: PodRequest, ctx: ScoringContext): Cycle {
  const signals = ctx.policy.signals;
  const scores: Record<string, number> = {};
  for (const s of signals) scores[s.name] = 0;
  return {
    pod,
    ctx,
    signals,
    pres: signals.map((s) => s.preScore(pod, ctx)),
    filtering: filteringOf(ctx.policy),
    allFixed: signals.every((s) => s.normalize === "fixed"),
    scores,
    counters: ctx.policy.counters,
  };
}

/** Per policy, the positions of its signals that filter: computed once, read every cycle. */
const filteringByPolicy = new WeakMap<ScoringPolicy, readonly number[]>();

function filteringOf(policy: ScoringPolicy): readonly number[] {
  let positions = filteringByPolicy.get(policy);
  if (positions === undefined) {
    positions = policy.signals.flatMap((signal, s) => (signal.filters === false ? [] : [s]));
    filteringByPolicy.set(policy, positions);
  }
  return positions;
}

/** The first filter that fails, with its reason; null when the node passes every one. */
export function rejectionAt(c: Cycle, node: NodeState): Rejection | null {
  for (const s of c.filtering) {
    const r = c.signals[s].filter(c.pod, node, c.ctx, c.pres[s]);
    if (r !== null) return r;
  }
  return null;
}

/** The same verdict as rejectionAt, without building reasons where a signal offers `fits`. */
export function passesAt(c: Cycle, node: NodeState): boolean {
  const filtering = c.filtering;
  for (let k = 0; k < filtering.length; k++) {
    const s = filtering[k];
    const signal = c.signals[s];
    const ok = signal.fits
      ? signal.fits(c.pod, node, c.ctx, c.pres[s])
      : signal.filter(c.pod, node, c.ctx, c.pres[s]) === null;
    if (!ok) return false;
  }
  return true;
}

/** Raw scores of a node that passed, into `raw[offset .. offset + signals)`. */
export function rawScoresInto(c: Cycle, node: NodeState, raw: Float64Array, offset: number): void {
  for (let s = 0; s < c.signals.length; s++) raw[offset + s] = c.signals[s].score(c.pod, node, c.ctx, c.pres[s]);
}

/** Per signal, the best raw score among the nodes that passed (for `max` normalisation). */
export function maxima(c: Cycle, raw: Float64Array, passed: ArrayLike<boolean | number>): Float64Array {
  const S = c.signals.length;
  const out = new Float64Array(S);
  for (let i = 0; i < passed.length; i++) {
    if (!passed[i]) continue;
    for (let s = 0; s < S; s++) if (raw[i * S + s] > out[s]) out[s] = raw[i * S + s];
  }
  return out;
}

/**
 * Normalises one node's raw scores into `c.scores` and combines them: a float in 0..10.
 * NaN or infinite values (an expression dividing by zero) score 0 and are counted, never thrown.
 */
export function combineAt(c: Cycle, raw: Float64Array, offset: number, max: Float64Array | null): number {
  for (let s = 0; s < c.signals.length; s++) {
    const signal = c.signals[s];
    const value = raw[offset + s];
    const normalised = signal.normalize === "max" ? (max !== null && max[s] > 0 ? (10 * value) / max[s] : 0) : value;
    c.scores[signal.name] = clampScore(normalised, c.counters);
  }
  return clampScore(c.ctx.policy.combine(c.scores), c.counters);
}

/**
 * combineAt for a cycle whose signals are all `fixed`, by position where the policy offers it
 * (the same number, without the by-name record). Clamps `raw[offset ..]` in place.
 */
export function combineFixedAt(c: Cycle, raw: Float64Array, offset: number): number {
  const at = c.ctx.policy.combineAt;
  if (at === undefined) return combineAt(c, raw, offset, null);
  for (let s = 0; s < c.signals.length; s++) raw[offset + s] = clampScore(raw[offset + s], c.counters);
  return clampScore(at(raw, offset), c.counters);
}

export function clampScore(x: number, counters: PolicyCounters | undefined): number {
  if (x >= 0 && x <= 10) return x;
  if (x > 10 && x !== Number.POSITIVE_INFINITY) return 10;
  if (x < 0 && x !== Number.NEGATIVE_INFINITY) return 0;
  if (counters) counters.nonFiniteScores++;
  return 0;
}

/** Whether (score, raw, name) beats the best so far: higher integer, then higher raw, then name ascending. */
export function beats(
  score: number,
  raw: number,
  name: string,
  bestScore: number,
  bestRaw: number,
  bestName: string,
): boolean {
  if (score !== bestScore) return score > bestScore;
  if (raw !== bestRaw) return raw > bestRaw;
  return name < bestName;
}
