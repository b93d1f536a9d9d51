/**
 * kube-scheduler calls prioritize right after filter, for the nodes that passed every filter:
 * usually exactly the nodes tierfit passed. When nothing changed in between (same config, demand
 * snapshot, node views and ledger versions, a moment later), prioritize reuses filter's decision
 * instead of scoring every node again. Any difference, and prioritize scores afresh.
 */
import type { NodeState, NodeView } from "../cluster/types.js";
import type { TierfitConfig } from "../config/schema.js";
import type { DemandSnapshot } from "../scoring/demand-snapshot.js";
import type { Decision } from "../scoring/types.js";

interface Entry {
  readonly config: TierfitConfig;
  readonly demand: DemandSnapshot;
  readonly at: number;
  readonly decision: Decision;
  /** The nodes that passed, with what they looked like when scored. */
  readonly passed: ReadonlyMap<string, { readonly view: NodeView; readonly version: number }>;
}

export class DecisionCache {
  private readonly byUid = new Map<string, Entry>();

  constructor(
    private readonly capacity = 512,
    /** Live demand is judged against the clock: an old decision could differ on staleness. */
    private readonly maxAgeMs = 2_000,
  ) {}

  store(
    uid: string,
    inputs: { config: TierfitConfig; demand: DemandSnapshot; now: number },
    states: readonly NodeState[],
    decision: Decision,
  ): void {
    if (uid === "") return;
    const passed = new Map<string, { view: NodeView; version: number }>();
    decision.nodes.forEach((n, i) => {
      if (n.passed) passed.set(n.name, { view: states[i].view, version: states[i].version });
    });
    this.byUid.delete(uid);
    this.byUid.set(uid, { config: inputs.config, demand: inputs.demand, at: inputs.now, decision, passed });
    if (this.byUid.size > this.capacity) {
      const oldest = this.byUid.keys().next().value;
      if (oldest !== undefined) this.byUid.delete(oldest);
    }
  }

  /** Filter's decision, if `states` are exactly the nodes it passed, unchanged. */
  lookup(
    uid: string,
    inputs: { config: TierfitConfig; demand: DemandSnapshot; now: number },
    states: readonly NodeState[],
  ): Decision | undefined {
    const e = this.byUid.get(uid);
    if (e === undefined || e.config !== inputs.config || e.demand !== inputs.demand) return undefined;
    if (inputs.now - e.at > this.maxAgeMs || inputs.now < e.at) return undefined;
    if (states.length !== e.passed.size) return undefined;
    for (const s of states) {
      const seen = e.passed.get(s.view.name);
      if (seen === undefined || seen.view !== s.view || seen.version !== s.version) return undefined;
    }
    return e.decision;
  }
}
