/**
 * The last decision per pod, for the last `capacity` pods and at most `budgetBytes` of memory, for
 * /explain. Recording is on the request path, so it keeps the inputs of a decision, not the
 * decision: the pod, the node states and the context are immutable, so running the core on them
 * again when someone asks gives the very answer the verb gave (the verbs answer from memoised
 * verdicts equal to decide()'s), and the request path never builds per-node records that nobody
 * may read.
 *
 * Memory is estimated, not measured. States built from a request body (full `Nodes` mode) are the
 * recorder's alone: each is charged its estimated size (estimateStateBytes). Names-mode states are
 * the cluster cache's own and cost a reference while current; what the recorder alone keeps alive
 * is states the cache has since replaced, at most one per ledger change, so the ledger changes
 * spanned by the records kept are charged SUPERSEDED_STATE_BYTES each. The least recently
 * recorded pods are forgotten until both bounds hold; a decision over more nodes than the whole
 * budget is not recorded at all.
 *
 * Each record copies the node states into an array of its own, and the record of the pod
 * forgotten to make room hands its array to the next one. Keeping the request's array instead
 * would be cheaper per call, but every kept list (500 references for kube's default sample) would
 * be copied by two young-generation collections and then promoted: it was the largest part of
 * what the extender promoted per pod.
 */
import type { NodeState, NodeView, PodRequest } from "../cluster/types.js";
import { decide } from "../scoring/runner.js";
import type { ScoringContext } from "../scoring/types.js";
import { type ExplainBinding, type ExplainRecord, type ExtraFailure, explainRecord } from "./explain.js";

export interface DecisionInputs {
  readonly pod: PodRequest;
  readonly verb: "filter" | "prioritize";
  readonly states: readonly NodeState[];
  readonly extraFailures: readonly ExtraFailure[];
  readonly ctx: ScoringContext;
  /**
   * Names mode: the ledger's change count when the states were read from it (they are the cluster
   * cache's own). null: the states were built from the request body.
   */
  readonly ledgerChanges: number | null;
}

/** A pod's record; reused for another pod once this one is forgotten. */
interface Recorded {
  pod: PodRequest;
  verb: "filter" | "prioritize";
  /** The decision's node states are the first `count`; beyond them, unset. */
  readonly states: (NodeState | undefined)[];
  count: number;
  extraFailures: readonly ExtraFailure[];
  ctx: ScoringContext;
  binding: ExplainBinding | null;
  ledgerChanges: number | null;
  bytes: number;
}

export const DEFAULT_EXPLAIN_CAPACITY = 1000;
/** What /explain may hold: a sixth of the 384 MiB heap the shipped deployment gives tierfit. */
export const DEFAULT_EXPLAIN_BYTES = 64 * 1024 * 1024;

/** A record apart from its states: the pod request, its map entry, the array's slots (a reference each). */
const RECORD_BYTES = 1024;
const REFERENCE_BYTES = 8;
/**
 * A state built from a body, measured with heap snapshots of nodeViewFromV1 + emptyNodeState
 * (node 700 B, each GPU 150 B), and each label an entry plus its two strings.
 */
const STATE_BYTES = 700;
const GPU_BYTES = 150;
const LABEL_BYTES = 64;
/** A GPU node with GPU Feature Discovery and NFD labels: 2.3 KB of objects plus its label strings. */
export const SUPERSEDED_STATE_BYTES = 4096;

export class DecisionRecorder {
  /** Least recently recorded first. */
  private readonly byPod = new Map<string, Recorded>();
  #bytes = 0;
  /** Estimated size of a body-built state, per view (views are immutable and cached across requests). */
  readonly #viewBytes = new WeakMap<NodeView, number>();

  constructor(
    readonly capacity = DEFAULT_EXPLAIN_CAPACITY,
    readonly budgetBytes = DEFAULT_EXPLAIN_BYTES,
  ) {}

  record(inputs: DecisionInputs): void {
    if (this.capacity <= 0) return;
    const { pod, verb, states, extraFailures, ctx, ledgerChanges } = inputs;
    const bytes = this.#bytesOf(states, ledgerChanges);
    const old = this.byPod.get(pod.key);
    if (bytes > this.budgetBytes) {
      // Too large to keep: forget the pod's older decision rather than explain it as this one.
      if (old !== undefined) this.#forget(old);
      return;
    }
    const r = this.#reusable(pod.key) ?? {
      pod,
      verb,
      states: [],
      count: 0,
      extraFailures,
      ctx,
      binding: null,
      ledgerChanges,
      bytes: 0,
    };
    for (let i = 0; i < states.length; i++) r.states[i] = states[i];
    // Let go of the states the array held beyond this decision's.
    for (let i = states.length; i < r.count; i++) r.states[i] = undefined;
    r.count = states.length;
    r.pod = pod;
    r.verb = verb;
    r.extraFailures = extraFailures;
    r.ctx = ctx;
    r.binding = null;
    r.ledgerChanges = ledgerChanges;
    r.bytes = bytes;
    this.#bytes += bytes;
    this.byPod.set(pod.key, r);
    while (this.byPod.size > 1 && this.#charged(ledgerChanges) > this.budgetBytes) {
      this.#forget(this.byPod.values().next().value as Recorded);
    }
  }

  recordBinding(podKey: string, binding: ExplainBinding): void {
    const r = this.byPod.get(podKey);
    if (r !== undefined) r.binding = binding;
  }

  explain(podKey: string): ExplainRecord | undefined {
    const r = this.byPod.get(podKey);
    if (r === undefined) return undefined;
    const decision = decide(r.pod, r.states.slice(0, r.count) as NodeState[], r.ctx);
    const record = explainRecord(r.pod, r.verb, decision, r.extraFailures, r.ctx.config, r.ctx.now);
    return { ...record, binding: r.binding };
  }

  /** What the records kept are estimated to hold alive, in bytes. */
  get bytes(): number {
    return this.#charged(null);
  }

  /** The records' own bytes, plus the states the cache replaced since the oldest names-mode record. */
  #charged(latestChanges: number | null): number {
    let oldest: number | null = null;
    let newest = latestChanges;
    for (const r of this.byPod.values()) {
      if (r.ledgerChanges === null) continue;
      oldest ??= r.ledgerChanges;
      if (latestChanges !== null) break;
      newest = r.ledgerChanges;
    }
    const spanned = oldest === null || newest === null ? 0 : newest - oldest;
    return this.#bytes + spanned * SUPERSEDED_STATE_BYTES;
  }

  #bytesOf(states: readonly NodeState[], ledgerChanges: number | null): number {
    let bytes = RECORD_BYTES + states.length * REFERENCE_BYTES;
    if (ledgerChanges !== null) return bytes;
    for (let i = 0; i < states.length; i++) bytes += this.#stateBytes(states[i]);
    return bytes;
  }

  #stateBytes(state: NodeState): number {
    const view = state.view;
    let bytes = this.#viewBytes.get(view);
    if (bytes === undefined) {
      bytes = STATE_BYTES + GPU_BYTES * view.gpus.length;
      for (const key in view.labels) bytes += LABEL_BYTES + key.length + view.labels[key].length;
      this.#viewBytes.set(view, bytes);
    }
    return bytes;
  }

  #forget(r: Recorded): void {
    this.byPod.delete(r.pod.key);
    this.#bytes -= r.bytes;
  }

  /** The pod's own record, else the oldest pod's when full, taken out of the map (to go back in last). */
  #reusable(key: string): Recorded | undefined {
    const taken =
      this.byPod.get(key) ?? (this.byPod.size >= this.capacity ? this.byPod.values().next().value : undefined);
    if (taken !== undefined) this.#forget(taken);
    return taken;
  }
}
