/**
 * kube-scheduler calls prioritize right after filter, for the nodes that passed every filter:
 * usually exactly the nodes tierfit passed. When nothing filter's verdicts rest on changed in
 * between (the same config, policy and demand snapshot, the same pod shape, the very same node
 * states, each node's telemetry as fresh as it was), prioritize reuses them instead of judging
 * again. Any difference, and prioritize judges afresh. Storing keeps a reference.
 *
 * Two ways to tell the node states are the very same: in names mode, when the ledger has not
 * changed since filter looked the names up (its change count), prioritize's names only need to
 * equal the names filter passed, in order, and nothing is looked up again; otherwise prioritize
 * looks its nodes up and the check compares state objects, building a lookup only when
 * prioritize lists them in another order than filter passed them.
 *
 * An entry serves one prioritize and is dropped once used, so filter's verdicts (and its request's
 * names) are usually garbage before the next young-generation collection rather than copied by it.
 */
import type { AllocationLedger } from "../cluster/ledger.js";
import type { NodeState } from "../cluster/types.js";
import { freshTelemetry } from "../scoring/device-load.js";
import type { ScoringContext } from "../scoring/types.js";
import type { Candidates, LedgerStamp } from "./candidates.js";
import { type Judgement, judgement } from "./verdict-memo.js";

/** Names mode: what filter passed, by name, and the ledger it looked them up in. */
export interface PassedByName {
  readonly lookedUp: LedgerStamp;
  /** Filter's request names; the names of the nodes it passed are those at `nameAt`, in order. */
  readonly requestNames: readonly string[];
  readonly nameAt: Int32Array;
  /** Where each of them sits in filter's judgement. */
  readonly at: Int32Array;
}

interface Filtered {
  readonly judgement: Judgement;
  readonly byName: PassedByName | null;
}

/** Filter's verdicts on prioritize's nodes, as evaluate() hands them on. */
export interface Reuse {
  readonly candidates: Candidates;
  readonly judgement: Judgement;
}

/**
 * Node verdicts kept over all entries: what a filter over a whole 20,000-node cluster leaves.
 * Full-mode states are built from the body; without this bound, filters over 100,000-node bodies
 * kept 170 MB each until prioritize came.
 */
export const MAX_CACHED_NODES = 20_000;

export class DecisionCache {
  private readonly byUid = new Map<string, Filtered>();
  #nodes = 0;

  constructor(
    private readonly capacity = 512,
    private readonly maxNodes = MAX_CACHED_NODES,
  ) {}

  store(uid: string, judgement: Judgement, byName: PassedByName | null = null): void {
    if (uid === "" || judgement.basis.row === null) return;
    this.#drop(uid);
    if (judgement.states.length > this.maxNodes) return;
    this.byUid.set(uid, { judgement, byName });
    this.#nodes += judgement.states.length;
    while (this.byUid.size > this.capacity || this.#nodes > this.maxNodes) {
      this.#drop(this.byUid.keys().next().value as string);
    }
  }

  #drop(uid: string): void {
    const f = this.byUid.get(uid);
    if (f === undefined) return;
    this.byUid.delete(uid);
    this.#nodes -= f.judgement.states.length;
  }

  /**
   * Names mode without a lookup: filter's verdicts when `names` are exactly the names it passed,
   * in its order, and `ledger` has not changed since filter looked them up.
   */
  reuseByName(
    uid: string,
    row: string | null,
    names: readonly string[],
    ledger: AllocationLedger,
    ctx: ScoringContext,
  ): Reuse | undefined {
    const f = this.#usable(uid, row, names.length, ctx);
    const passed = f?.byName;
    if (f === undefined || passed == null) return undefined;
    const stamp = passed.lookedUp;
    if (stamp.ledger !== ledger || stamp.changes !== ledger.changes) return undefined;
    // Each of these names found its state in the ledger then; the ledger is as it was, so equal
    // names would find the very same states now. Comparing the two requests' strings touches
    // no node state.
    if (!sameNames(passed, names)) return undefined;
    const filtered = f.judgement;
    if (!freshAsBefore(filtered, passed.at, ctx)) return undefined;
    this.#drop(uid);
    // Filter's judgement as it is: prioritize's k-th name is its node at passed.at[k], and the
    // nodes it passed are exactly these, so its count and winner stand. Nothing is copied.
    const candidates = { states: filtered.states, failures: [], positions: passed.at, lookedUp: stamp, slots: null };
    return { candidates, judgement: filtered };
  }

  /** Filter's verdicts for `states`, if they are exactly the nodes it passed and still hold. */
  lookup(uid: string, row: string | null, states: readonly NodeState[], ctx: ScoringContext): Judgement | undefined {
    const f = this.#usable(uid, row, states.length, ctx);
    if (f === undefined) return undefined;
    const at = positionsIn(f.judgement, states);
    const judgement = at === null ? undefined : reused(f.judgement, at, states, row, ctx);
    if (judgement !== undefined) this.#drop(uid);
    return judgement;
  }

  /** Filter's entry for the pod, if it judged `passed` nodes passing under the same row and context. */
  #usable(uid: string, row: string | null, passed: number, ctx: ScoringContext): Filtered | undefined {
    const f = this.byUid.get(uid);
    if (f === undefined || row === null || f.judgement.basis.row !== row || passed !== f.judgement.passed) {
      return undefined;
    }
    const was = f.judgement.basis.ctx;
    if (
      was.config !== ctx.config ||
      was.policy !== ctx.policy ||
      was.workloadMix !== ctx.workloadMix ||
      was.demand !== ctx.demand
    )
      return undefined;
    return f;
  }
}

/** Whether `names` are the names filter passed, in its order. */
function sameNames(passed: PassedByName, names: readonly string[]): boolean {
  if (passed.nameAt.length !== names.length) return false;
  for (let k = 0; k < names.length; k++) if (passed.requestNames[passed.nameAt[k]] !== names[k]) return false;
  return true;
}

/** Whether each node at `at` is as fresh (or stale) now as when filter judged it. */
function freshAsBefore(f: Judgement, at: ArrayLike<number>, ctx: ScoringContext): boolean {
  const wasFresh = f.basis.fresh;
  if (wasFresh === null) return true;
  // The snapshot is the same object, so only the clock can have made telemetry stale since.
  for (let k = 0; k < at.length; k++) {
    if ((freshTelemetry(f.states[at[k]], ctx) === null ? 0 : 1) !== wasFresh[at[k]]) return false;
  }
  return true;
}

/**
 * Filter's verdicts at positions `at` (where `states` sit in its judgement), as the judgement of
 * `states`, unless the clock made a node's telemetry stale (or fresh) since.
 */
function reused(
  f: Judgement,
  at: readonly number[],
  states: readonly NodeState[],
  row: string | null,
  ctx: ScoringContext,
): Judgement | undefined {
  if (!freshAsBefore(f, at, ctx)) return undefined;
  const wasFresh = f.basis.fresh;
  const fresh = wasFresh === null ? null : Uint8Array.from(at, (p) => wasFresh[p]);
  const verdicts = at.map((p) => f.verdicts[p]);
  return judgement(states, verdicts, { ctx, row, fresh });
}

/**
 * Where each of `states` sits in filter's judgement, when they are exactly the nodes it passed
 * (the same objects); null otherwise. Prioritize usually lists them in filter's order.
 */
function positionsIn(f: Judgement, states: readonly NodeState[]): number[] | null {
  const at: number[] = new Array(states.length);
  let k = 0;
  for (let i = 0; i < f.states.length && k >= 0; i++) {
    if (f.verdicts[i].rejection !== null) continue;
    if (f.states[i] === states[k]) at[k++] = i;
    else k = -1;
  }
  if (k === states.length) return at;
  const passed = new Map<NodeState, number>();
  f.states.forEach((s, i) => {
    if (f.verdicts[i].rejection === null) passed.set(s, i);
  });
  for (let i = 0; i < states.length; i++) {
    const p = passed.get(states[i]);
    if (p === undefined) return null;
    at[i] = p;
  }
  return at;
}
