/**
 * The core's verdict per (pod shape, node), kept across requests. The replicas of a deployment
 * share one shape, and a node's answer changes only when something is bound to it or released
 * from it, so most nodes of a filter were already judged for an earlier pod; and prioritize asks
 * about nodes filter has just judged. Owned by one app (runtime.ts), never module-level.
 *
 * An answer is reused only when everything it was computed from is unchanged:
 *  - config, policy and workload mix: any different object and the memo starts over;
 *  - the pod, through its shape (podShapeKey) plus its tierSource and RuntimeClass, which tier
 *    and tenancy rejections quote;
 *  - the node, through its NodeState object: states are immutable, every change makes a new one
 *    with a new version (ledger.ts), and full-mode states are reused per view (node-views.ts); an
 *    answer keeps the state it was computed for;
 *  - live demand, through what the core reads of it (scoring/device-load.ts, device-choice.ts,
 *    signals/live-demand.ts): the node's telemetry entry and whether it is fresh at this clock
 *    value, the load the pod's model forecast adds (podDeviceLoad, which expires with the clock
 *    too), and whether the snapshot holds any telemetry. Keying on these rather than on the
 *    snapshot object keeps answers across refreshes and binds that leave this node's entry as it
 *    was (the snapshot builder reuses unchanged entries).
 * The one answer that moves with the clock alone, a liveDemand rejection quoting how old the
 * data is, is judged again on every request.
 *
 * Only for policies whose scores need no other node (runner.ts nodeJudge) and depend on the pod
 * through its shape; for any other policy every request runs decide().
 */
import type { NodeState, PodRequest } from "../cluster/types.js";
import { beats } from "../scoring/cycle.js";
import { freshTelemetry, podDeviceLoad } from "../scoring/device-load.js";
import { podShapeKey } from "../scoring/placement-memo.js";
import { decide, nodeJudge } from "../scoring/runner.js";
import { liveDemand } from "../scoring/signals/index.js";
import type { ScoringContext } from "../scoring/types.js";
import { Answer } from "./answer.js";
import type { Slots } from "./candidates.js";

/** The verdicts of one call, index-aligned with the nodes it was asked about. */
export interface Judgement {
  readonly states: readonly NodeState[];
  readonly verdicts: readonly Answer[];
  /** As decide() picks it: highest integer score, then raw score, then name; null when none passes. */
  readonly winner: string | null;
  readonly passed: number;
  /** What the verdicts rest on besides the nodes, for prioritize to tell whether they still hold. */
  readonly basis: JudgementBasis;
}

export interface JudgementBasis {
  readonly ctx: ScoringContext;
  /** The memo row (pod shape and demand facts); null when the policy is not memoised. */
  readonly row: string | null;
  /** Per node, whether its telemetry was fresh (1) or not (0); null when the snapshot has none. */
  readonly fresh: Uint8Array | null;
}

/**
 * Answers kept, over all shapes (a few hundred bytes each): 50 shapes over 5,000 nodes. Beyond
 * it the least recently used shapes are forgotten.
 */
export const DEFAULT_MEMO_ANSWERS = 250_000;

/**
 * One pod shape's answers. Names mode keeps them by the node's position in the ledger's node
 * array (Slots): an array read, where a map is a hash probe into memory the request path has
 * pushed out of the CPU caches; an answer there holds only while its node's state is the same.
 * Full mode keys them by state in a WeakMap, so a state replaced is freed with its answer.
 */
interface Row {
  readonly answers: WeakMap<NodeState, Answer>;
  /** Answers by position in `order`, the ledger node array they were kept for. */
  bySlot: (Answer | undefined)[];
  order: readonly NodeState[] | null;
  /** Answers stored (an upper bound: those of freed states are gone from the map, not from this). */
  stored: number;
}

export class VerdictMemo {
  /** Least recently used first. */
  readonly #rows = new Map<string, Row>();
  #stored = 0;
  #config: unknown;
  #policy: unknown;
  #mix: unknown;
  hits = 0;
  misses = 0;

  constructor(readonly capacity = DEFAULT_MEMO_ANSWERS) {}

  /**
   * The memo row a pod belongs to under `ctx`, or null when the policy cannot be memoised.
   * Everything the core reads of the pod and of live demand beyond the node's own entry.
   */
  rowKey(pod: PodRequest, ctx: ScoringContext): string | null {
    if (ctx.policy.shapeDetermined === false) return null;
    const live = ctx.demand.nodes.size > 0 ? "live" : "none";
    return `${podShapeKey(pod)}|${pod.tierSource}|${pod.runtimeClassName ?? ""}|${podDeviceLoad(pod, ctx)}|${live}`;
  }

  /** `slots`: where each state sits in the ledger's node array (names mode), or null. */
  judge(pod: PodRequest, states: readonly NodeState[], ctx: ScoringContext, slots: Slots | null = null): Judgement {
    const judgeOne = nodeJudge(pod, ctx);
    const key = this.rowKey(pod, ctx);
    if (judgeOne === null || key === null) return unmemoised(pod, states, ctx);
    const row = this.#row(key, ctx);
    const storedBefore = row.stored;
    const telemetry = ctx.demand.nodes;
    const fresh = telemetry.size > 0 ? new Uint8Array(states.length) : null;
    const verdicts: Answer[] = new Array(states.length);
    const bySlot = slots === null ? null : slotsOf(row, slots.order);
    for (let i = 0; i < states.length; i++) {
      const state = states[i];
      const t = fresh === null ? undefined : telemetry.get(state.view.name);
      const isFresh = t !== undefined && freshTelemetry(state, ctx) !== null;
      if (fresh !== null && isFresh) fresh[i] = 1;
      const slot = slots === null ? -1 : slots.at[i];
      let answer = bySlot === null ? row.answers.get(state) : bySlot[slot];
      if (
        answer === undefined ||
        answer.state !== state ||
        answer.telemetry !== t ||
        answer.fresh !== isFresh ||
        quotesClock(answer)
      ) {
        this.misses++;
        if (answer === undefined) row.stored++;
        answer = new Answer(judgeOne(state), state, t, isFresh);
        if (bySlot === null) row.answers.set(state, answer);
        else bySlot[slot] = answer;
      } else this.hits++;
      verdicts[i] = answer;
    }
    this.#stored += row.stored - storedBefore;
    this.#forgetBeyondCapacity(row);
    return judgement(states, verdicts, { ctx, row: key, fresh });
  }

  #row(key: string, ctx: ScoringContext): Row {
    if (ctx.config !== this.#config || ctx.policy !== this.#policy || ctx.workloadMix !== this.#mix) {
      this.#rows.clear();
      this.#stored = 0;
      this.#config = ctx.config;
      this.#policy = ctx.policy;
      this.#mix = ctx.workloadMix;
    }
    let row = this.#rows.get(key);
    if (row !== undefined) this.#rows.delete(key);
    else {
      // A row counts as one answer itself, so shapes that match no node cannot pile up.
      row = { answers: new WeakMap(), bySlot: [], order: null, stored: 1 };
      this.#stored++;
    }
    // Most recently used last, so the first key is the one to forget.
    this.#rows.set(key, row);
    return row;
  }

  /** Forgets the least recently used shapes (never `current`) until the answers fit. */
  #forgetBeyondCapacity(current: Row): void {
    for (const [key, row] of this.#rows) {
      if (this.#stored <= this.capacity || row === current) return;
      this.#rows.delete(key);
      this.#stored -= row.stored;
    }
  }
}

/** The row's answers by position in `order`; forgotten when the ledger's node array is a new one. */
function slotsOf(row: Row, order: readonly NodeState[]): (Answer | undefined)[] {
  if (row.order !== order) {
    row.stored -= row.bySlot.reduce((n, a) => (a === undefined ? n : n + 1), 0);
    row.order = order;
    row.bySlot = new Array(order.length);
  }
  return row.bySlot;
}

/** A liveDemand rejection of a node that has telemetry says how old it is (signals/live-demand.ts). */
function quotesClock(answer: Answer): boolean {
  return answer.telemetry !== undefined && answer.rejection?.signal === liveDemand.name;
}

/** The judgement of these verdicts: how many passed, and the winner as decide() picks it. */
export function judgement(states: readonly NodeState[], verdicts: readonly Answer[], basis: JudgementBasis): Judgement {
  let winner = -1;
  let passed = 0;
  for (let i = 0; i < states.length; i++) {
    const v = verdicts[i];
    if (v.rejection !== null) continue;
    passed++;
    if (winner < 0) winner = i;
    else {
      const w = verdicts[winner];
      // An answer carries its node's name (states[i].view.name): no need to reach into the state.
      if (beats(v.score, v.rawScore, v.node, w.score, w.rawScore, w.node)) winner = i;
    }
  }
  return { states, verdicts, winner: winner < 0 ? null : verdicts[winner].node, passed, basis };
}

/** decide()'s answer in the judgement's shape, for a policy the memo cannot hold. */
function unmemoised(pod: PodRequest, states: readonly NodeState[], ctx: ScoringContext): Judgement {
  const decision = decide(pod, states, ctx);
  const verdicts = decision.nodes.map((n, i) => new Answer(n, states[i], undefined, false));
  const passed = decision.nodes.filter((n) => n.passed).length;
  return { states, verdicts, winner: decision.winner, passed, basis: { ctx, row: null, fresh: null } };
}
