/**
 * The last decision per pod, for the last `capacity` pods, for /explain. Recording is on the
 * request path, so it keeps the inputs of a decision, not the decision: the pod, the node states
 * and the context are immutable, so running the core on them again when someone asks gives the
 * very answer the verb gave (the verbs answer from memoised verdicts equal to decide()'s), and the
 * request path never builds per-node records that nobody may read.
 *
 * Each record copies the node states into an array of its own, and the record of the pod
 * forgotten to make room hands its array to the next one. Keeping the request's array instead
 * would be cheaper per call, but every kept list (500 references for kube's default sample) would
 * be copied by two young-generation collections and then promoted: it was the largest part of
 * what the extender promoted per pod.
 */
import type { NodeState, PodRequest } from "../cluster/types.js";
import { decide } from "../scoring/runner.js";
import type { ScoringContext } from "../scoring/types.js";
import { type ExplainBinding, type ExplainRecord, type ExtraFailure, explainRecord } from "./explain.js";

export interface DecisionInputs {
  readonly pod: PodRequest;
  readonly verb: "filter" | "prioritize";
  readonly states: readonly NodeState[];
  readonly extraFailures: readonly ExtraFailure[];
  readonly ctx: ScoringContext;
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
}

export const DEFAULT_EXPLAIN_CAPACITY = 1000;

export class DecisionRecorder {
  /** Least recently recorded first. */
  private readonly byPod = new Map<string, Recorded>();

  constructor(readonly capacity = DEFAULT_EXPLAIN_CAPACITY) {}

  record(inputs: DecisionInputs): void {
    if (this.capacity <= 0) return;
    const { pod, verb, states, extraFailures, ctx } = inputs;
    const r = this.#reusable(pod.key) ?? { pod, verb, states: [], count: 0, extraFailures, ctx, binding: null };
    for (let i = 0; i < states.length; i++) r.states[i] = states[i];
    // Let go of the states the array held beyond this decision's.
    for (let i = states.length; i < r.count; i++) r.states[i] = undefined;
    r.count = states.length;
    r.pod = pod;
    r.verb = verb;
    r.extraFailures = extraFailures;
    r.ctx = ctx;
    r.binding = null;
    this.byPod.set(pod.key, r);
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

  /** The pod's own record, else the oldest pod's when full, taken out of the map (to go back in last). */
  #reusable(key: string): Recorded | undefined {
    const taken =
      this.byPod.get(key) ?? (this.byPod.size >= this.capacity ? this.byPod.values().next().value : undefined);
    if (taken !== undefined) this.byPod.delete(taken.pod.key);
    return taken;
  }
}
