/**
 * POST /preempt: ExtenderPreemptionArgs → ExtenderPreemptionResult. kube-scheduler proposes, per
 * candidate node, the pods it would evict; tierfit drops a node when, with those victims gone, the
 * pod would still fail a filter there (a tier too weak, another tenant left on the GPU, a device
 * still too small), so no pod is evicted for nothing. Kept nodes keep kube's victims, as UIDs.
 * Nodes tierfit cannot judge (not in its cache, or --standalone) keep kube's choice.
 */
import type { Allocation } from "../../cluster/types.js";
import { TierfitError } from "../../errors.js";
import { makeContext } from "../../scoring/context.js";
import { filterNodes } from "../../scoring/runner.js";
import { withoutPods } from "../node-state.js";
import type { ExtenderRuntime, KubePorts } from "../runtime.js";
import {
  decodePreemptionArgs,
  type ExtenderPreemptionArgs,
  type ExtenderPreemptionResult,
  MalformedRequestError,
  type MetaVictims,
} from "../wire.js";
import { podKeyOf, readPod, rejected, type VerbReply, withPodClaims } from "./reply.js";

interface Candidate {
  readonly victims: MetaVictims;
  /** Ledger keys of the victims, where known. */
  readonly victimKeys: readonly string[];
}

/** Both maps in one shape: UIDs for the reply, pod keys for the ledger. */
function candidatesOf(args: ExtenderPreemptionArgs, kube: KubePorts | null): Map<string, Candidate> {
  const out = new Map<string, Candidate>();
  for (const [node, v] of Object.entries(args.NodeNameToVictims ?? {})) {
    out.set(node, {
      victims: { Pods: v.Pods.map((p) => ({ UID: p.metadata?.uid ?? "" })), NumPDBViolations: v.NumPDBViolations },
      victimKeys: v.Pods.map(podKeyOf),
    });
  }
  for (const [node, v] of Object.entries(args.NodeNameToMetaVictims ?? {})) {
    if (out.has(node)) continue;
    const keys = v.Pods.flatMap((p) => kube?.cache.podKeyByUid?.(p.UID) ?? []);
    out.set(node, { victims: { Pods: v.Pods, NumPDBViolations: v.NumPDBViolations }, victimKeys: keys });
  }
  return out;
}

export function preemptVerb(rt: ExtenderRuntime, body: unknown): VerbReply {
  let args: ExtenderPreemptionArgs;
  try {
    args = decodePreemptionArgs(body);
  } catch (err) {
    if (!(err instanceof MalformedRequestError)) throw err;
    return rejected(400, err.message, {});
  }
  const kube = rt.deps.kube;
  const candidates = candidatesOf(args, kube);
  const log: Record<string, unknown> = { pod: podKeyOf(args.Pod), nodesIn: candidates.size };
  const config = rt.deps.config();
  let pod: ReturnType<typeof readPod>;
  try {
    pod = withPodClaims(readPod(args.Pod, config), args.Pod, kube, config);
  } catch (err) {
    if (err instanceof MalformedRequestError) return rejected(400, err.message, log);
    if (err instanceof TierfitError) return rejected(400, err.message, log, undefined, "error");
    throw err;
  }
  const ctx = makeContext(config, {
    demand: rt.deps.demand(),
    now: rt.deps.now(),
    clusterCpuPerGpu: kube?.cache.ledger.cpuPerGpu(),
  });
  const kept: Record<string, MetaVictims> = {};
  const dropped: Record<string, string> = {};
  const unjudged: string[] = [];
  for (const [node, c] of candidates) {
    const ledger = kube?.cache.ledger;
    const state = ledger?.node(node);
    if (ledger === undefined || state === undefined) {
      unjudged.push(node);
      kept[node] = c.victims;
      continue;
    }
    const allocations = c.victimKeys.flatMap((k) => ledger.allocation(k) ?? []) as Allocation[];
    const failed = filterNodes(pod, [withoutPods(state, allocations)], ctx).failed[0];
    if (failed === undefined) kept[node] = c.victims;
    else dropped[node] = `${failed.rejection.signal}: ${failed.rejection.reason}`;
  }
  const result: ExtenderPreemptionResult = { NodeNameToMetaVictims: kept };
  return {
    status: 200,
    body: result,
    outcome: "ok",
    log: { ...log, kept: Object.keys(kept).length, dropped, ...(unjudged.length > 0 ? { unjudged } : {}) },
  };
}
