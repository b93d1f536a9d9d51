/**
 * POST /bind: ExtenderBindingArgs → ExtenderBindingResult. The request names a pod and a node and
 * nothing else is taken from callers: the pod (tier, tenant, requests, schedulerName) is the API
 * server's object, from the pod informer or read afresh, and the node is the node informer's.
 * The hard rules are checked again on that truth and the devices reserved in the ledger in one
 * synchronous step (no await in between, so two binds can never both take the same gap); then
 * one Binding, preconditioned on the object read, binds the pod and records its devices.
 */
import type { V1Pod } from "@kubernetes/client-node";
import type { Allocation, PodRequest } from "../../cluster/types.js";
import type { TierfitConfig } from "../../config/schema.js";
import { TierfitError } from "../../errors.js";
import { makeContext } from "../../scoring/context.js";
import { allocationFor } from "../../scoring/runner.js";
import { explainBinding } from "../explain.js";
import { apiFailure } from "../kube/api-error.js";
import type { ApiFailure, BindResult } from "../ports.js";
import type { ExtenderRuntime, KubePorts } from "../runtime.js";
import { decodeBindingArgs, type ExtenderBindingArgs, MalformedRequestError } from "../wire.js";
import { errorInBody, ok, readPod, rejected, type VerbReply, withPodClaims } from "./reply.js";

export const STANDALONE_BIND_ERROR =
  "tierfit runs --standalone: it keeps no node cache and makes no API writes, so it cannot bind; " +
  "remove bindVerb from this extender in the KubeSchedulerConfiguration, or run tierfit serve without --standalone";

/** kube-scheduler's name for a pod without spec.schedulerName. */
const DEFAULT_SCHEDULER = "default-scheduler";

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

interface PodToBind {
  readonly object: V1Pod;
  readonly request: PodRequest;
}

/**
 * Why a bind failed, as tierfit_extender_bind_failures_total's reason: the API call's failure,
 * or a fixed word for each refusal before any write (the message says the rest).
 */
export type BindFailureReason =
  | ApiFailure
  | "standalone"
  | "cache-incomplete"
  | "pod-recreated"
  | "other-scheduler"
  | "already-bound"
  | "pod-deleting"
  | "invalid-pod"
  | "unsettled"
  | "node-unknown"
  | "does-not-fit";

interface Failure {
  readonly reason: BindFailureReason;
  readonly message: string;
}

const failure = (reason: BindFailureReason, message: string): Failure => ({ reason, message });

/** The pod as the API server has it (`fresh`: read from it, not the informer), if tierfit may bind it; else why not. */
async function podToBind(
  kube: KubePorts,
  args: ExtenderBindingArgs,
  config: TierfitConfig,
  fresh: boolean,
): Promise<PodToBind | Failure> {
  const key = `${args.PodNamespace}/${args.PodName}`;
  let pod: V1Pod | null;
  try {
    pod = await kube.podSource.getPod(args.PodNamespace, args.PodName, fresh);
  } catch (err) {
    return failure(apiFailure(err), `cannot bind ${key}: reading the pod from the API server failed: ${message(err)}`);
  }
  if (pod === null) {
    return failure("not-found", `cannot bind ${key}: the pod does not exist (deleted before it could be bound)`);
  }
  const uid = pod.metadata?.uid ?? "";
  if (args.PodUID !== "" && uid !== args.PodUID) {
    return failure(
      "pod-recreated",
      `cannot bind ${key}: the scheduler bound UID ${args.PodUID}, but the pod now has UID ${uid} (it was recreated)`,
    );
  }
  const scheduler = pod.spec?.schedulerName || DEFAULT_SCHEDULER;
  const ours = config.kube.schedulerNames;
  if (!ours.includes(scheduler)) {
    return failure(
      "other-scheduler",
      `cannot bind ${key}: its schedulerName is "${scheduler}", and tierfit binds only pods of the scheduler ` +
        `profiles that use it (kube.schedulerNames: ${ours.join(", ")})`,
    );
  }
  if (pod.spec?.nodeName) {
    return failure("already-bound", `cannot bind ${key}: the pod is already bound to node ${pod.spec.nodeName}`);
  }
  if (pod.metadata?.deletionTimestamp) return failure("pod-deleting", `cannot bind ${key}: the pod is being deleted`);
  let request: PodRequest;
  try {
    request = readPod(pod, config);
  } catch (err) {
    if (err instanceof TierfitError || err instanceof MalformedRequestError)
      return failure("invalid-pod", `cannot bind ${key}: ${err.message}`);
    throw err;
  }
  // Re-checked on the claims as the cache holds them now: by bind time kube-scheduler's DRA
  // plugin has usually allocated them, and an allocated claim's devices are in the ledger already.
  try {
    return { object: pod, request: withPodClaims(request, pod, kube, config) };
  } catch (err) {
    if (err instanceof TierfitError) {
      const reason = err.code === "TF_ERR_UNAVAILABLE" ? "cache-incomplete" : "invalid-pod";
      return failure(reason, `cannot bind ${key}: ${err.message}`);
    }
    throw err;
  }
}

export async function bindVerb(rt: ExtenderRuntime, body: unknown): Promise<VerbReply> {
  let args: ExtenderBindingArgs;
  try {
    args = decodeBindingArgs(body);
  } catch (err) {
    if (!(err instanceof MalformedRequestError)) throw err;
    return rejected(400, err.message, {});
  }
  const key = `${args.PodNamespace}/${args.PodName}`;
  const log: Record<string, unknown> = { pod: key, node: args.Node };
  const fail = (f: Failure): VerbReply => ({ ...errorInBody({ Error: f.message }, f.message, log), failure: f.reason });
  const kube = rt.deps.kube;
  if (kube === null) return fail(failure("standalone", STANDALONE_BIND_ERROR));
  if (!kube.cache.synced()) {
    const missing = kube.cache.missing().join("; ");
    return fail(
      failure("cache-incomplete", `cannot bind ${key}: tierfit's cluster cache is not complete yet (${missing})`),
    );
  }

  const config = rt.deps.config();
  // A second attempt only when the API server says the pod changed since it was read.
  for (let attempt = 0; ; attempt++) {
    const pod = await podToBind(kube, args, config, attempt > 0);
    if ("reason" in pod) return fail(pod);
    const placed = await place(rt, kube, args, config, pod);
    if ("reason" in placed) return fail(placed);
    const { result, allocation, now } = placed;
    if (result.kind === "bound") {
      rt.deps.onPlaced?.(pod.request, allocation, now);
      rt.recentPods.forget(pod.request.uid);
      rt.metrics.podsPlaced.inc({ tier: config.tiers[pod.request.tier]?.name ?? String(pod.request.tier) });
      rt.recorder.recordBinding(pod.request.key, explainBinding(allocation, rt.deps.now()));
      return ok({ Error: "" }, { ...log, devices: devicesForLog(allocation) });
    }
    // In doubt, the devices stay reserved until the API server shows what became of the Binding.
    if (result.kind !== "in-doubt") kube.cache.ledger.release(pod.request.key);
    if (result.kind !== "stale" || attempt > 0) return fail(failure(result.cause, result.reason));
  }
}

/** Checks the rules on the pod and node as tierfit knows them, reserves the devices, and binds. */
async function place(
  rt: ExtenderRuntime,
  kube: KubePorts,
  args: ExtenderBindingArgs,
  config: TierfitConfig,
  pod: PodToBind,
): Promise<{ result: BindResult; allocation: Allocation; now: number } | Failure> {
  const key = pod.request.key;
  // Synchronous from here to assign(): the reservation is atomic with respect to other requests.
  const ledger = kube.cache.ledger;
  const held = ledger.allocation(key);
  if (held !== undefined) {
    return failure(
      "unsettled",
      `cannot bind ${key}: an earlier bind of this pod to node ${held.node} is not settled yet ` +
        "(the API server has not shown whether it applied); its devices stay reserved until it does",
    );
  }
  const state = ledger.node(args.Node);
  if (state === undefined) {
    return failure("node-unknown", `cannot bind ${key} to ${args.Node}: node not in tierfit's cache yet`);
  }
  const now = rt.deps.now();
  const chosen = allocationFor(
    pod.request,
    state,
    makeContext(config, { demand: rt.deps.demand(), now, clusterCpuPerGpu: ledger.cpuPerGpu() }),
  );
  if ("reason" in chosen) return failure("does-not-fit", `cannot bind ${key} to ${args.Node}: ${chosen.reason}`);
  const refused = ledger.assign(chosen);
  if (refused !== null) return failure("does-not-fit", `cannot bind ${key} to ${args.Node}: ${refused.reason}`);
  const target = {
    podName: args.PodName,
    podNamespace: args.PodNamespace,
    podUid: pod.request.uid,
    resourceVersion: pod.object.metadata?.resourceVersion ?? "",
    node: args.Node,
  };
  return { result: await kube.binder.bind(target, chosen), allocation: chosen, now };
}

function devicesForLog(a: Allocation): number[] {
  return a.devices.map((d) => d.index);
}
