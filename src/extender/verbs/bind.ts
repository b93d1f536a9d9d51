/**
 * POST /bind: ExtenderBindingArgs → ExtenderBindingResult. Device choice becomes race-free here:
 * the allocation is computed and reserved in the ledger in one synchronous step (no await in
 * between, so two binds can never both take the same gap), then the pod is annotated and bound
 * through the Binder port. A failed API write releases the reservation; a successful one keeps
 * it until the informer sees the bound pod and restores the same allocation over it.
 */
import type { V1Pod } from "@kubernetes/client-node";
import type { Allocation, PodRequest } from "../../cluster/types.js";
import type { TierfitConfig } from "../../config/schema.js";
import { TierfitError } from "../../errors.js";
import { makeContext } from "../../scoring/context.js";
import { allocationFor } from "../../scoring/runner.js";
import { explainBinding } from "../explain.js";
import type { BindTarget } from "../ports.js";
import type { ExtenderRuntime, KubePorts } from "../runtime.js";
import { decodeBindingArgs, type ExtenderBindingArgs, MalformedRequestError } from "../wire.js";
import { errorInBody, ok, readPod, rejected, type VerbReply } from "./reply.js";

export const STANDALONE_BIND_ERROR =
  "tierfit runs --standalone: it keeps no node cache and makes no API writes, so it cannot bind; " +
  "remove bindVerb from this extender in the KubeSchedulerConfiguration, or run tierfit serve without --standalone";

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The pod being bound, as the core reads it under `config`: remembered from filter/prioritize,
 * else fetched and read; a reason when neither works.
 */
async function podToBind(
  rt: ExtenderRuntime,
  kube: KubePorts,
  args: ExtenderBindingArgs,
  config: TierfitConfig,
): Promise<PodRequest | string> {
  const key = `${args.PodNamespace}/${args.PodName}`;
  const remembered = args.PodUID === "" ? undefined : rt.recentPods.recall(args.PodUID, config, rt.deps.now());
  if (remembered !== undefined) return remembered;
  let pod: V1Pod | null;
  try {
    pod = await kube.podSource.getPod(args.PodNamespace, args.PodName);
  } catch (err) {
    return `cannot bind ${key}: reading the pod from the API server failed: ${message(err)}`;
  }
  if (pod === null) return `cannot bind ${key}: the pod does not exist (deleted before it could be bound)`;
  const uid = pod.metadata?.uid ?? "";
  if (args.PodUID !== "" && uid !== args.PodUID) {
    return `cannot bind ${key}: the scheduler bound UID ${args.PodUID}, but the pod now has UID ${uid} (it was recreated)`;
  }
  try {
    return readPod(pod, config);
  } catch (err) {
    if (err instanceof TierfitError || err instanceof MalformedRequestError)
      return `cannot bind ${key}: ${err.message}`;
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
  const fail = (msg: string) => errorInBody({ Error: msg }, msg, log);
  const kube = rt.deps.kube;
  if (kube === null) return fail(STANDALONE_BIND_ERROR);

  const config = rt.deps.config();
  const pod = await podToBind(rt, kube, args, config);
  if (typeof pod === "string") return fail(pod);

  // Synchronous from here to assign(): the reservation is atomic with respect to other requests.
  const ledger = kube.cache.ledger;
  const state = ledger.node(args.Node);
  if (state === undefined) return fail(`cannot bind ${key} to ${args.Node}: node not in tierfit's cache yet`);
  const now = rt.deps.now();
  const chosen = allocationFor(pod, state, makeContext(config, { demand: rt.deps.demand(), now }));
  if ("reason" in chosen) return fail(`cannot bind ${key} to ${args.Node}: ${chosen.reason}`);
  const refused = ledger.assign(chosen);
  if (refused !== null) return fail(`cannot bind ${key} to ${args.Node}: ${refused.reason}`);

  const target: BindTarget = {
    podName: args.PodName,
    podNamespace: args.PodNamespace,
    podUid: pod.uid,
    node: args.Node,
  };
  try {
    await kube.binder.bind(target, chosen);
  } catch (err) {
    ledger.release(pod.key);
    return fail(`binding ${key} to ${args.Node} failed: ${message(err)}`);
  }
  rt.deps.onPlaced?.(pod, chosen, now);
  rt.recentPods.forget(args.PodUID);
  rt.metrics.podsPlaced.inc({ tier: config.tiers[pod.tier]?.name ?? String(pod.tier) });
  rt.recorder.recordBinding(pod.key, explainBinding(chosen, rt.deps.now()));
  return ok({ Error: "" }, { ...log, devices: devicesForLog(chosen) });
}

function devicesForLog(a: Allocation): number[] {
  return a.devices.map((d) => d.index);
}
