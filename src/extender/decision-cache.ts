/**
 * kube-scheduler calls prioritize right after filter, for the nodes that passed every filter:
 * usually exactly the nodes tierfit passed. When nothing filter's verdicts rest on changed in
 * between (the same config, policy and demand snapshot, the same pod shape, the very same node
 * states, each node's telemetry as fresh as it was), prioritize reuses them instead of judging
 * again. Any difference, and prioritize judges afresh. Storing keeps a reference.
 *
 * Prioritize usually lists the nodes filter passed in filter's order; a lookup is built only when
 * it lists them in another.
 *
 * An entry serves one prioritize and is dropped once used, so filter's verdicts (and its request's
 * names) are usually garbage before the next young-generation collection rather than copied by it.
 */
import type { NodeState } from "../cluster/types.js";
import { freshTelemetry } from "../scoring/device-load.js";
import type { ScoringContext } from "../scoring/types.js";
import { type Judgement, judgement } from "./verdict-memo.js";

/**
 * Node verdicts kept over all entries: what a filter over a whole 20,000-node cluster leaves.
 * Full-mode states are built from the body; without this bound, filters over 100,000-node bodies
 * kept 170 MB each until prioritize came.
 */
export const MAX_CACHED_NODES = 20_000;

export class DecisionCache {
  private readonly byUid = new Map<string, Judgement>();
  #nodes = 0;

  constructor(
    private readonly capacity = 512,
    private readonly maxNodes = MAX_CACHED_NODES,
  ) {}

  store(uid: string, judgement: Judgement): void {
    if (uid === "" || judgement.basis.row === null) return;
    this.#drop(uid);
    if (judgement.states.length > this.maxNodes) return;
    this.byUid.set(uid, judgement);
    this.#nodes += judgement.states.length;
    while (this.byUid.size > this.capacity || this.#nodes > this.maxNodes) {
      this.#drop(this.byUid.keys().next().value as string);
    }
  }

  #drop(uid: string): void {
    const f = this.byUid.get(uid);
    if (f === undefined) return;
    this.byUid.delete(uid);
    this.#nodes -= f.states.length;
  }

  /** Filter's verdicts for `states`, if they are exactly the nodes it passed and still hold. */
  lookup(uid: string, row: string | null, states: readonly NodeState[], ctx: ScoringContext): Judgement | undefined {
    const f = this.#usable(uid, row, states.length, ctx);
    if (f === undefined) return undefined;
    const at = positionsIn(f, states);
    const judgement = at === null ? undefined : reused(f, at, states, row, ctx);
    if (judgement !== undefined) this.#drop(uid);
    return judgement;
  }

  /** Filter's entry for the pod, if it judged `passed` nodes passing under the same row and context. */
  #usable(uid: string, row: string | null, passed: number, ctx: ScoringContext): Judgement | undefined {
    const f = this.byUid.get(uid);
    if (f === undefined || row === null || f.basis.row !== row || passed !== f.passed) return undefined;
    const was = f.basis.ctx;
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
