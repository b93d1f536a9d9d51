/**
 * POST /filter: ExtenderArgs → ExtenderFilterResult, answered in the mode asked (NodeNames in →
 * NodeNames out; Nodes in → the same node objects out, in order). Unresolvable rejections go to
 * FailedAndUnresolvableNodes so kube-scheduler does not try preemption there.
 */
import type { V1Node } from "@kubernetes/client-node";
import { TierfitError } from "../../errors.js";
import type { ExtenderRuntime } from "../runtime.js";
import {
  decodeExtenderArgs,
  type ExtenderArgs,
  type ExtenderFilterResult,
  MalformedRequestError,
  nodeNameOf,
} from "../wire.js";
import { type Evaluation, evaluate, StandaloneNamesError } from "./evaluate.js";
import { errorInBody, podKeyOf, rejected, type VerbReply } from "./reply.js";

export function filterErrorResult(message: string): ExtenderFilterResult {
  return { Nodes: null, NodeNames: null, FailedNodes: {}, FailedAndUnresolvableNodes: {}, Error: message };
}

export function filterVerb(rt: ExtenderRuntime, body: unknown): VerbReply {
  let args: ExtenderArgs;
  try {
    args = decodeExtenderArgs(body);
  } catch (err) {
    if (!(err instanceof MalformedRequestError)) throw err;
    return rejected(400, err.message, {}, filterErrorResult(err.message));
  }
  const log: Record<string, unknown> = {
    pod: podKeyOf(args.Pod),
    mode: args.NodeNames !== null ? "names" : "nodes",
    nodesIn: args.NodeNames?.length ?? args.Nodes?.items.length ?? 0,
  };
  let ev: Evaluation;
  try {
    ev = evaluate(rt, args, false);
  } catch (err) {
    if (err instanceof MalformedRequestError) return rejected(400, err.message, log, filterErrorResult(err.message));
    if (err instanceof StandaloneNamesError || err instanceof TierfitError) {
      return errorInBody(filterErrorResult(err.message), err.message, log);
    }
    throw err;
  }
  rt.decisions.store(ev.pod.uid, ev.inputs, ev.candidates.states, ev.decision);
  rt.recorder.record({
    pod: ev.pod,
    verb: "filter",
    decision: ev.decision,
    extraFailures: ev.candidates.failures,
    config: ev.inputs.config,
    at: ev.inputs.now,
  });

  const failed: Record<string, string> = {};
  const unresolvable: Record<string, string> = {};
  const rejections = [
    ...ev.decision.nodes.flatMap((n) => (n.rejection ? [{ node: n.name, rejection: n.rejection }] : [])),
    ...ev.candidates.failures,
  ];
  const bySignal = new Map<string, number>();
  for (const { node, rejection } of rejections) {
    (rejection.unresolvable ? unresolvable : failed)[node] = rejection.reason;
    bySignal.set(rejection.signal, (bySignal.get(rejection.signal) ?? 0) + 1);
  }
  for (const [signal, count] of bySignal) rt.metrics.nodesRejected.inc({ signal }, count);
  const passed = new Set(ev.decision.nodes.filter((n) => n.passed).map((n) => n.name));
  const result: ExtenderFilterResult =
    args.NodeNames !== null
      ? {
          Nodes: null,
          NodeNames: args.NodeNames.filter((n) => passed.has(n)),
          FailedNodes: failed,
          FailedAndUnresolvableNodes: unresolvable,
          Error: "",
        }
      : {
          Nodes: { ...args.Nodes!, items: args.Nodes!.items.filter((n: V1Node) => passed.has(nodeNameOf(n))) },
          NodeNames: null,
          FailedNodes: failed,
          FailedAndUnresolvableNodes: unresolvable,
          Error: "",
        };
  return {
    status: 200,
    body: result,
    outcome: "ok",
    log: { ...log, passed: passed.size, winner: ev.decision.winner },
  };
}
