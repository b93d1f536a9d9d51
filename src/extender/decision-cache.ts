/**
 * kube-scheduler calls prioritize right after filter, for the nodes that passed every filter:
 * usually exactly the nodes tierfit passed. When nothing filter's verdicts rest on changed in
 * between (the same config, policy and demand snapshot, the same pod shape, the very same node
 * states, each node's telemetry as fresh as it was), prioritize reuses them instead of judging
 * again. Any difference, and prioritize judges afresh. Storing keeps a reference; the check
 * compares objects, and builds a lookup only when prioritize lists the nodes in another order.
 */
import type { NodeState } from "../cluster/types.js";
import { freshTelemetry } from "../scoring/device-load.js";
import type { ScoringContext } from "../scoring/types.js";
import type { Answer } from "./answer.js";
import { type Judgement, judgement } from "./verdict-memo.js";

export class DecisionCache {
  private readonly byUid = new Map<string, Judgement>();

  constructor(private readonly capacity = 512) {}

  store(uid: string, filtered: Judgement): void {
    if (uid === "" || filtered.basis.row === null) return;
    this.byUid.delete(uid);
    this.byUid.set(uid, filtered);
    if (this.byUid.size > this.capacity) {
      const oldest = this.byUid.keys().next().value;
      if (oldest !== undefined) this.byUid.delete(oldest);
    }
  }

  /** Filter's verdicts for `states`, if they are exactly the nodes it passed and still hold. */
  lookup(uid: string, row: string | null, states: readonly NodeState[], ctx: ScoringContext): Judgement | undefined {
    const f = this.byUid.get(uid);
    if (f === undefined || row === null || f.basis.row !== row || states.length !== f.passed) return undefined;
    const was = f.basis.ctx;
    if (
      was.config !== ctx.config ||
      was.policy !== ctx.policy ||
      was.workloadMix !== ctx.workloadMix ||
      was.demand !== ctx.demand
    )
      return undefined;
    const at = positionsIn(f, states);
    if (at === null) return undefined;
    const wasFresh = f.basis.fresh;
    const fresh = wasFresh === null ? null : new Uint8Array(states.length);
    const verdicts: Answer[] = new Array(states.length);
    for (let i = 0; i < states.length; i++) {
      verdicts[i] = f.verdicts[at[i]];
      if (wasFresh === null || fresh === null) continue;
      // The snapshot is the same object, so only the clock can have made telemetry stale since.
      fresh[i] = freshTelemetry(states[i], ctx) === null ? 0 : 1;
      if (fresh[i] !== wasFresh[at[i]]) return undefined;
    }
    return judgement(states, verdicts, { ctx, row, fresh });
  }
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
