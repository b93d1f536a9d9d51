/**
 * POST /prioritize: ExtenderArgs → HostPriorityList, one entry per input node in input order,
 * integer scores 0..MaxExtenderPriority (nodes the core rejected, or does not know, score 0).
 * A HostPriorityList has no Error field, so errors are a non-200 (kube-scheduler ignores
 * prioritize errors and schedules on its own scores).
 */
import { TierfitError } from "../../errors.js";
import type { ExtenderRuntime } from "../runtime.js";
import {
  decodeExtenderArgs,
  type ExtenderArgs,
  type HostPriority,
  MAX_EXTENDER_PRIORITY,
  MalformedRequestError,
  nodeNameOf,
} from "../wire.js";
import { type Evaluation, evaluate, StandaloneNamesError } from "./evaluate.js";
import { podKeyOf, rejected, type VerbReply } from "./reply.js";

function clampScore(score: number): number {
  if (!Number.isFinite(score)) return 0;
  return Math.min(MAX_EXTENDER_PRIORITY, Math.max(0, Math.round(score)));
}

export function prioritizeVerb(rt: ExtenderRuntime, body: unknown): VerbReply {
  let args: ExtenderArgs;
  try {
    args = decodeExtenderArgs(body);
  } catch (err) {
    if (!(err instanceof MalformedRequestError)) throw err;
    return rejected(400, err.message, {});
  }
  const names = args.NodeNames ?? (args.Nodes?.items ?? []).map(nodeNameOf);
  const log: Record<string, unknown> = {
    pod: podKeyOf(args.Pod),
    mode: args.NodeNames !== null ? "names" : "nodes",
    nodesIn: names.length,
  };
  let ev: Evaluation;
  try {
    ev = evaluate(rt, args, true);
  } catch (err) {
    if (err instanceof MalformedRequestError) return rejected(400, err.message, log);
    if (err instanceof StandaloneNamesError || err instanceof TierfitError) {
      return rejected(400, err.message, log, undefined, "error");
    }
    throw err;
  }
  if (!ev.reused) {
    rt.recorder.record({
      pod: ev.pod,
      verb: "prioritize",
      decision: ev.decision,
      extraFailures: ev.candidates.failures,
      config: ev.inputs.config,
      at: ev.inputs.now,
    });
  }
  const scoreOf = new Map<string, number>();
  for (const n of ev.decision.nodes) if (n.passed) scoreOf.set(n.name, clampScore(n.score));
  const result: HostPriority[] = names.map((Host) => ({ Host, Score: scoreOf.get(Host) ?? 0 }));
  return {
    status: 200,
    body: result,
    outcome: "ok",
    log: { ...log, passed: scoreOf.size, winner: ev.decision.winner, reused: ev.reused },
  };
}
