/**
 * The calls both drivers make: filter, prioritize, decide (filter + score + winner), the winner
 * alone for the simulator's hot loop, and the allocation bind records. Ties: highest integer
 * score, then highest combined raw score, then node name ascending — deterministic whatever the
 * input order.
 */
import type { Allocation, NodeState, PodRequest } from "../cluster/types.js";
import {
  beats,
  type Cycle,
  clampScore,
  combineAt,
  combineFixedAt,
  maxima,
  passesAt,
  rawScoresInto,
  rejectionAt,
  startCycle,
} from "./cycle.js";
import { assignmentsOf, chooseFinal, devicePlanFor } from "./device-choice.js";
import { gpuShortfall } from "./gpu-fit.js";
import { type PlacementMemo, podShapeKey } from "./placement-memo.js";
import { soleScore } from "./policy.js";
import { effectiveTenant } from "./tenancy.js";
import type { Decision, NodeDecision, Rejection, ScoringContext } from "./types.js";

export interface FilterResult {
  passed: NodeState[];
  failed: { node: string; rejection: Rejection }[];
}

export function filterNodes(pod: PodRequest, nodes: readonly NodeState[], ctx: ScoringContext): FilterResult {
  const c = startCycle(pod, ctx);
  const out: FilterResult = { passed: [], failed: [] };
  for (const node of nodes) {
    const rejection = rejectionAt(c, node);
    if (rejection === null) out.passed.push(node);
    else out.failed.push({ node: node.view.name, rejection });
  }
  return out;
}

/**
 * Filters and scores every node: raw scores per node × signal, which nodes passed, and (only
 * when asked, as building them costs more than scoring) the reasons of those that failed.
 */
function evaluate(c: Cycle, nodes: readonly NodeState[], withReasons: boolean) {
  const S = c.signals.length;
  const raw = new Float64Array(nodes.length * S);
  const rejections: (Rejection | null)[] = withReasons ? new Array(nodes.length) : [];
  const passed = new Uint8Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    if (withReasons) {
      const rejection = rejectionAt(c, nodes[i]);
      rejections[i] = rejection;
      if (rejection !== null) continue;
    } else if (!passesAt(c, nodes[i])) continue;
    passed[i] = 1;
    rawScoresInto(c, nodes[i], raw, i * S);
  }
  return { raw, rejections, passed, max: c.allFixed ? null : maxima(c, raw, passed) };
}

/** Integer 0..10 per node, in input order; a node that fails a filter scores 0. */
export function prioritizeNodes(
  pod: PodRequest,
  nodes: readonly NodeState[],
  ctx: ScoringContext,
): { node: string; score: number }[] {
  const c = startCycle(pod, ctx);
  const S = c.signals.length;
  const e = evaluate(c, nodes, false);
  return nodes.map((node, i) => ({
    node: node.view.name,
    score: e.passed[i] ? Math.round(combineAt(c, e.raw, i * S, e.max)) : 0,
  }));
}

/** Every node's verdict with reasons and per-signal scores, and the winner (null when none passes). */
export function decide(pod: PodRequest, nodes: readonly NodeState[], ctx: ScoringContext): Decision {
  const c = startCycle(pod, ctx);
  const S = c.signals.length;
  const e = evaluate(c, nodes, true);
  const out: NodeDecision[] = new Array(nodes.length);
  let winner: string | null = null;
  let bestScore = -1;
  let bestRaw = -1;
  for (let i = 0; i < nodes.length; i++) {
    const name = nodes[i].view.name;
    if (!e.passed[i]) {
      out[i] = { name, passed: false, rejection: e.rejections[i], signals: {}, rawScore: 0, score: 0 };
      continue;
    }
    const rawScore = combineAt(c, e.raw, i * S, e.max);
    const score = Math.round(rawScore);
    out[i] = { name, passed: true, rejection: null, signals: { ...c.scores }, rawScore, score };
    if (winner === null || beats(score, rawScore, name, bestScore, bestRaw, winner)) {
      winner = name;
      bestScore = score;
      bestRaw = rawScore;
    }
  }
  return { winner, nodes: out };
}

export interface Pick {
  readonly node: NodeState;
  readonly score: number;
  readonly rawScore: number;
}

/**
 * The winner alone, as decide would choose it, without reasons or per-node records: the
 * simulator's hot loop, where most nodes fail for most pods late in a run. With a memo
 * (placement-memo.ts), answers for unchanged nodes and already-seen pod shapes are reused.
 */
export function pickNode(
  pod: PodRequest,
  nodes: readonly NodeState[],
  ctx: ScoringContext,
  memo?: PlacementMemo,
): Pick | null {
  if (memo && ctx.policy.signals.every((s) => s.normalize === "fixed")) return pickNodeMemo(pod, nodes, ctx, memo);
  const c = startCycle(pod, ctx);
  const S = c.signals.length;
  const leader = new Leader(nodes);
  if (c.allFixed) {
    const raw = new Float64Array(S);
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      if (!passesAt(c, node)) continue;
      rawScoresInto(c, node, raw, 0);
      leader.offer(i, combineFixedAt(c, raw, 0));
    }
  } else {
    const raw = new Float64Array(nodes.length * S);
    const passed = new Uint8Array(nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      if (!passesAt(c, nodes[i])) continue;
      passed[i] = 1;
      rawScoresInto(c, nodes[i], raw, i * S);
    }
    const max = maxima(c, raw, passed);
    for (let i = 0; i < nodes.length; i++) {
      if (passed[i]) leader.offer(i, combineAt(c, raw, i * S, max));
    }
  }
  return leader.pick();
}

function pickNodeMemo(
  pod: PodRequest,
  nodes: readonly NodeState[],
  ctx: ScoringContext,
  memo: PlacementMemo,
): Pick | null {
  // Scores that vary per pod (policy.shapeDetermined false): the memo keeps only the filters'
  // verdicts (0 = passes), and the nodes that pass are scored below for this pod.
  const rescore = ctx.policy.shapeDetermined === false;
  let c: Cycle | null = null;
  let raw: Float64Array | null = null;
  const row = memo.answers(podShapeKey(pod), nodes, ctx, (node) => {
    c ??= startCycle(pod, ctx);
    if (!passesAt(c, node)) return -1;
    if (rescore) return 0;
    raw ??= new Float64Array(c.signals.length);
    rawScoresInto(c, node, raw, 0);
    return combineFixedAt(c, raw, 0);
  });
  if (!rescore) {
    const best = row.best();
    if (best < 0) return null;
    const rawScore = row.scores[best];
    return { node: nodes[best], score: Math.round(rawScore), rawScore };
  }
  c ??= startCycle(pod, ctx);
  const sole = c.signals.length === 1 && ctx.policy.combineAt === soleScore ? c.signals[0] : null;
  if (sole?.bestEach) {
    // The signal alone ranks, and it finds its own winner in one pass over the verdicts.
    const best = sole.bestEach(pod, nodes, row.scores, ctx, c.pres[0], memo.layout);
    if (best < 0) return null;
    const rawScore = clampScore(sole.score(pod, nodes[best], ctx, c.pres[0]), c.counters);
    return { node: nodes[best], score: Math.round(rawScore), rawScore };
  }
  const scores = new Float64Array(c.signals.length);
  const leader = new Leader(nodes);
  for (let i = 0; i < nodes.length; i++) {
    if (row.scores[i] < 0) continue;
    rawScoresInto(c, nodes[i], scores, 0);
    leader.offer(i, combineFixedAt(c, scores, 0));
  }
  return leader.pick();
}

/**
 * The best node so far in the winner-only loops, ranked as decide ranks (integer score, then
 * raw score, then name). The integer is Math.round of the raw score, which never reverses an
 * order, so comparing raw scores ranks the same; names are read only on a tie.
 */
class Leader {
  #best = -1;
  #raw = -1;
  constructor(private readonly nodes: readonly NodeState[]) {}

  offer(i: number, rawScore: number): void {
    const best = this.#best;
    if (best >= 0) {
      if (rawScore < this.#raw) return;
      if (rawScore === this.#raw && this.nodes[i].view.name >= this.nodes[best].view.name) return;
    }
    this.#best = i;
    this.#raw = rawScore;
  }

  pick(): Pick | null {
    const best = this.#best;
    return best < 0 ? null : { node: this.nodes[best], score: Math.round(this.#raw), rawScore: this.#raw };
  }
}

/** What bind records: the node re-checked against every filter, and the devices device choice picks. */
export function allocationFor(pod: PodRequest, node: NodeState, ctx: ScoringContext): Allocation | Rejection {
  const rejection = rejectionAt(startCycle(pod, ctx), node);
  if (rejection !== null) return rejection;
  const plan = devicePlanFor(pod, ctx);
  if (!chooseFinal(node, plan)) return gpuShortfall(pod, node, ctx.config);
  return {
    podKey: pod.key,
    node: node.view.name,
    tenant: effectiveTenant(pod),
    sharingTier: pod.sharingTier,
    model: pod.model,
    milliCpu: pod.resources.milliCpu,
    memoryBytes: pod.resources.memoryBytes,
    // The DRA allocator picks a DRA pod's devices; its claims' allocations reach the ledger.
    devices: pod.draClaims === undefined ? assignmentsOf(node, plan) : [],
  };
}

/** One node's answer, as decide() gives it: the rejection, or the combined and the integer score. */
export interface NodeVerdict {
  readonly rejection: Rejection | null;
  /** Combined 0..10 score; 0 for a node that failed. */
  readonly rawScore: number;
  /** Integer 0..10 (Math.round of rawScore); 0 for a node that failed. */
  readonly score: number;
}

/**
 * Judges one node at a time, each exactly as decide() would, for a driver that memoises answers
 * per node (the extender). Only for policies whose scores need no other node (every signal
 * `fixed`, as tierfit's are); null otherwise. The cycle is started on the first call only, so a
 * driver whose memo answers every node pays nothing.
 */
export function nodeJudge(pod: PodRequest, ctx: ScoringContext): ((node: NodeState) => NodeVerdict) | null {
  if (!ctx.policy.signals.every((s) => s.normalize === "fixed")) return null;
  let c: Cycle | null = null;
  let raw: Float64Array | null = null;
  return (node) => {
    c ??= startCycle(pod, ctx);
    const rejection = rejectionAt(c, node);
    if (rejection !== null) return { rejection, rawScore: 0, score: 0 };
    raw ??= new Float64Array(c.signals.length);
    rawScoresInto(c, node, raw, 0);
    const rawScore = combineFixedAt(c, raw, 0);
    return { rejection: null, rawScore, score: Math.round(rawScore) };
  };
}
