/**
 * The part filter and prioritize share, after decoding: read the pod, gather the candidate nodes
 * in the mode kube-scheduler asked in, and judge them with the core through the app's verdict
 * memo (or, for prioritize, reuse filter's verdicts when nothing changed: in names mode with an
 * unchanged ledger, without looking the names up again).
 */
import type { PodRequest } from "../../cluster/types.js";
import { TierfitError } from "../../errors.js";
import { makeContext } from "../../scoring/context.js";
import type { ScoringContext } from "../../scoring/types.js";
import { type Candidates, candidatesByName, candidatesFromNodes } from "../candidates.js";
import type { ExtenderRuntime } from "../runtime.js";
import type { Judgement } from "../verdict-memo.js";
import type { ExtenderArgs } from "../wire.js";
import { readPod, withPodClaims } from "./reply.js";

export const STANDALONE_NAMES_ERROR =
  "tierfit runs --standalone: it keeps no node cache, so it cannot serve nodeCacheCapable: true; " +
  "set nodeCacheCapable: false for this extender in the KubeSchedulerConfiguration, " +
  "or run tierfit serve without --standalone";

export interface Evaluation {
  readonly pod: PodRequest;
  readonly candidates: Candidates;
  /** The core's verdicts on candidates.states, equal to decide()'s. */
  readonly judgement: Judgement;
  /** Filter's verdicts reused by prioritize. */
  readonly reused: boolean;
  readonly ctx: ScoringContext;
}

/**
 * Throws StandaloneNamesError (names mode without a cache), MalformedRequestError (the pod is not
 * a v1 Pod) or TierfitError (a pod tierfit cannot interpret; TF_ERR_UNAVAILABLE while the cache
 * lacks the pod's ResourceClaims) for the verb to map to its reply.
 */
export function evaluate(rt: ExtenderRuntime, args: ExtenderArgs, reuse: boolean): Evaluation {
  const cache = rt.deps.kube?.cache;
  const ledger = cache?.ledger ?? null;
  if (args.NodeNames !== null && ledger === null) throw new StandaloneNamesError();
  // An error, not rejections: kube-scheduler retries the pod instead of marking it unschedulable.
  if (cache !== undefined && !cache.synced()) {
    throw new TierfitError(
      "TF_ERR_UNAVAILABLE",
      `tierfit's cluster cache is not complete yet (${cache.missing().join("; ")})`,
    );
  }
  const config = rt.deps.config();
  const now = rt.deps.now();
  const ctx = makeContext(config, { demand: rt.deps.demand(), now, clusterCpuPerGpu: ledger?.cpuPerGpu() });
  // Prioritize usually gets the very pod filter read, and remembered, a moment ago.
  let pod = rt.recentPods.readingOf(args.Pod, config);
  if (pod === undefined) {
    pod = readPod(args.Pod, config);
    const resourceVersion = String(args.Pod.metadata?.resourceVersion ?? "");
    rt.recentPods.remember({ config, request: pod, resourceVersion }, now);
  }
  // After the reading is remembered: claims change apart from the pod (allocated, created).
  pod = withPodClaims(pod, args.Pod, rt.deps.kube, config);
  const row = reuse ? rt.verdicts.rowKey(pod, ctx) : null;
  if (reuse && args.NodeNames !== null && ledger !== null) {
    const hit = rt.decisions.reuseByName(pod.uid, row, args.NodeNames, ledger, ctx);
    if (hit !== undefined) return { pod, candidates: hit.candidates, judgement: hit.judgement, reused: true, ctx };
  }
  const candidates =
    args.NodeNames !== null && ledger !== null
      ? candidatesByName(args.NodeNames, ledger, rt.lookup)
      : candidatesFromNodes(args.Nodes?.items ?? [], config, rt.views, ledger);
  const states = candidates.states;
  const cached = reuse ? rt.decisions.lookup(pod.uid, row, states, ctx) : undefined;
  const judgement = cached ?? rt.verdicts.judge(pod, states, ctx, candidates.slots);
  return { pod, candidates, judgement, reused: cached !== undefined, ctx };
}

export class StandaloneNamesError extends Error {
  constructor() {
    super(STANDALONE_NAMES_ERROR);
    this.name = "StandaloneNamesError";
  }
}
