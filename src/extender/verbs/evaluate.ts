/**
 * The part filter and prioritize share, after decoding: read the pod, gather the candidate nodes
 * in the mode kube-scheduler asked in, and run the core's decision over them (or, for
 * prioritize, reuse filter's when nothing changed).
 */
import type { PodRequest } from "../../cluster/types.js";
import type { TierfitConfig } from "../../config/schema.js";
import { makeContext } from "../../scoring/context.js";
import type { DemandSnapshot } from "../../scoring/demand-snapshot.js";
import { decide } from "../../scoring/runner.js";
import type { Decision } from "../../scoring/types.js";
import { type Candidates, candidatesByName, candidatesFromNodes } from "../candidates.js";
import type { ExtenderRuntime } from "../runtime.js";
import type { ExtenderArgs } from "../wire.js";
import { readPod } from "./reply.js";

export const STANDALONE_NAMES_ERROR =
  "tierfit runs --standalone: it keeps no node cache, so it cannot serve nodeCacheCapable: true; " +
  "set nodeCacheCapable: false for this extender in the KubeSchedulerConfiguration, " +
  "or run tierfit serve without --standalone";

export interface Evaluation {
  readonly pod: PodRequest;
  readonly candidates: Candidates;
  readonly decision: Decision;
  /** Filter's decision reused by prioritize. */
  readonly reused: boolean;
  readonly inputs: { readonly config: TierfitConfig; readonly demand: DemandSnapshot; readonly now: number };
}

/**
 * Throws StandaloneNamesError (names mode without a cache), MalformedRequestError (the pod is not
 * a v1 Pod) or TierfitError (a pod tierfit cannot interpret) for the verb to map to its reply.
 */
export function evaluate(rt: ExtenderRuntime, args: ExtenderArgs, reuse: boolean): Evaluation {
  const ledger = rt.deps.kube?.cache.ledger ?? null;
  if (args.NodeNames !== null && ledger === null) throw new StandaloneNamesError();
  const config = rt.deps.config();
  const inputs = { config, demand: rt.deps.demand(), now: rt.deps.now() };
  const pod = readPod(args.Pod, config);
  rt.recentPods.remember(pod.uid, args.Pod, inputs.now);
  const candidates =
    args.NodeNames !== null && ledger !== null
      ? candidatesByName(args.NodeNames, ledger)
      : candidatesFromNodes(args.Nodes?.items ?? [], config, rt.views, ledger);
  const cached = reuse ? rt.decisions.lookup(pod.uid, inputs, candidates.states) : undefined;
  const decision = cached ?? decide(pod, candidates.states, makeContext(config, inputs));
  return { pod, candidates, decision, reused: cached !== undefined, inputs };
}

export class StandaloneNamesError extends Error {
  constructor() {
    super(STANDALONE_NAMES_ERROR);
    this.name = "StandaloneNamesError";
  }
}
