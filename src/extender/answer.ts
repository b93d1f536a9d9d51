/**
 * One node's verdict for one pod shape as the verdict memo keeps it: the core's verdict, what it
 * was computed from besides the node state (the node's live telemetry entry, and whether that was
 * fresh), and the node's pieces of the filter and prioritize replies, encoded on first use and
 * then reused by every request that gets this answer.
 */
import type { NodeState } from "../cluster/types.js";
import type { NodeTelemetry } from "../scoring/demand-snapshot.js";
import type { NodeVerdict } from "../scoring/runner.js";
import type { Rejection } from "../scoring/types.js";
import { failureMember, priorityItem, quotedName } from "./reply-json.js";

export class Answer implements NodeVerdict {
  readonly rejection: Rejection | null;
  readonly rawScore: number;
  readonly score: number;
  #quoted: Buffer | undefined;
  #failure: Buffer | undefined;
  #priority: Buffer | undefined;

  /** The node's name, as the ledger (or the request's node object) has it. */
  readonly node: string;

  constructor(
    verdict: NodeVerdict,
    /** The node state it was computed for. */
    readonly state: NodeState,
    readonly telemetry: NodeTelemetry | undefined,
    readonly fresh: boolean,
  ) {
    this.rejection = verdict.rejection;
    this.rawScore = verdict.rawScore;
    this.score = verdict.score;
    this.node = state.view.name;
  }

  /** The node's name as a JSON string, for NodeNames. */
  get quotedNode(): Buffer {
    this.#quoted ??= quotedName(this.node);
    return this.#quoted;
  }

  /** `"node":"reason"` for a node that failed. */
  get failureMember(): Buffer {
    this.#failure ??= failureMember(this.node, this.rejection?.reason ?? "");
    return this.#failure;
  }

  /** `{"Host":"node","Score":n}`: the integer score for a node that passed, 0 for one that failed. */
  get priorityItem(): Buffer {
    this.#priority ??= priorityItem(this.node, this.rejection === null ? this.score : 0);
    return this.#priority;
  }
}
