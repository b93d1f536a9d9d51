/**
 * The candidate nodes of one filter / prioritize call as the core sees them. Names mode reads
 * tierfit's own cache, the ledger (found through node-lookup.ts); full mode builds views from the
 * request body and lays the ledger's allocations over them when tierfit knows the node. Nodes the
 * core cannot be asked about (not cached yet, unreadable) come back as failures with a reason.
 */
import type { V1Node } from "@kubernetes/client-node";
import type { AllocationLedger } from "../cluster/ledger.js";
import type { NodeState } from "../cluster/types.js";
import type { TierfitConfig } from "../config/schema.js";
import { clipText, TierfitError } from "../errors.js";
import type { Rejection } from "../scoring/types.js";
import type { ExtraFailure } from "./explain.js";
import { NodeLookup } from "./node-lookup.js";
import type { NodeViewCache } from "./node-views.js";
import { nodeNameOf } from "./wire.js";

export interface Candidates {
  /** What the core scores, in request order; when prioritize reuses filter's verdicts, filter's nodes. */
  readonly states: readonly NodeState[];
  readonly failures: readonly ExtraFailure[];
  /** For each node of the request, in its order: its index in `states`, or -1 for a failure. */
  readonly positions: Int32Array;
  /** Names mode: the ledger the states were looked up in, and its change count then. */
  readonly lookedUp: LedgerStamp | null;
  /** Names mode: where each state sits in the ledger's node array, for memos kept by position. */
  readonly slots: Slots | null;
}

/**
 * Where each state of a names-mode call sits in the ledger's node array `order` (nodes()), state
 * by state: a memo can keep answers by position, an array read where a map keyed by state is a
 * hash probe. Positions hold until a node joins or leaves, when the ledger builds a new array.
 */
export interface Slots {
  readonly order: readonly NodeState[];
  readonly at: Int32Array;
}

export interface LedgerStamp {
  readonly ledger: AllocationLedger;
  readonly changes: number;
}

/** The signal name failures outside the core carry (a metric label, and what /explain shows). */
export const CACHE_SIGNAL = "cache";
export const NODE_OBJECT_SIGNAL = "nodeObject";

export const NOT_IN_CACHE_REASON = "node not in tierfit's cache yet";

const NOT_IN_CACHE: Rejection = Object.freeze({
  signal: CACHE_SIGNAL,
  reason: NOT_IN_CACHE_REASON,
  unresolvable: false,
});

/** `lookup` is the app's (it learns kube-scheduler's node order); a fresh one finds the same. */
export function candidatesByName(
  names: readonly string[],
  ledger: AllocationLedger,
  lookup: NodeLookup = new NodeLookup(),
): Candidates {
  const order = ledger.nodes();
  const found = lookup.positions(names, ledger);
  // Sized for every name and cut to the names found: pushing 500 states one by one would copy
  // the array at each growth, twice the garbage of the array itself.
  const states: NodeState[] = new Array(names.length);
  const failures: ExtraFailure[] = [];
  const positions = new Int32Array(names.length).fill(-1);
  const at = new Int32Array(names.length);
  let k = 0;
  for (let i = 0; i < names.length; i++) {
    if (found[i] < 0) {
      const refusal = ledger.refusal(names[i]);
      failures.push({
        node: names[i],
        rejection: refusal === undefined ? NOT_IN_CACHE : unreadable(names[i], refusal),
      });
      continue;
    }
    states[k] = order[found[i]];
    at[k] = found[i];
    positions[i] = k++;
  }
  states.length = k;
  return {
    states,
    failures,
    positions,
    lookedUp: { ledger, changes: ledger.changes },
    slots: { order, at: at.subarray(0, k) },
  };
}

/** Evicting pods cannot repair a node object tierfit cannot read: unresolvable. */
function unreadable(name: string, why: string): Rejection {
  return {
    signal: NODE_OBJECT_SIGNAL,
    reason: `tierfit cannot read node ${name}: ${clipText(why)}`,
    unresolvable: true,
  };
}

export function candidatesFromNodes(
  nodes: readonly V1Node[],
  config: TierfitConfig,
  views: NodeViewCache,
  ledger: AllocationLedger | null,
): Candidates {
  const states: NodeState[] = [];
  const failures: ExtraFailure[] = [];
  const positions = new Int32Array(nodes.length).fill(-1);
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    const name = nodeNameOf(node);
    try {
      positions[i] = states.push(views.stateOf(views.viewOf(node, config), ledger?.node(name))) - 1;
    } catch (err) {
      const why = err instanceof TierfitError ? err.message : `its object is not a valid v1 Node (${String(err)})`;
      failures.push({ node: name, rejection: unreadable(name, why) });
    }
  }
  return { states, failures, positions, lookedUp: null, slots: null };
}
