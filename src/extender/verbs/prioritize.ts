/**
 * POST /prioritize: ExtenderArgs → HostPriorityList, one entry per input node in input order,
 * integer scores 0..MaxExtenderPriority (nodes the core rejected, or does not know, score 0).
 * A HostPriorityList has no Error field, so errors are a non-200 (kube-scheduler ignores
 * prioritize errors and schedules on its own scores). While tierfit's cache is incomplete the
 * answer is every node at 0: to kube-scheduler the same as an ignored error (no score from this
 * extender, scheduling goes on; schedule_one.go prioritizeNodes), but a 200, since the caller did
 * nothing wrong; the log line and the error outcome say why.
 */
import { TierfitError } from "../../errors.js";
import { priorityItem, priorityListJson } from "../reply-json.js";
import type { ExtenderRuntime } from "../runtime.js";
import { decodeExtenderArgs, type ExtenderArgs, MalformedRequestError, nodeNameOf } from "../wire.js";
import { type Evaluation, evaluate, StandaloneNamesError } from "./evaluate.js";
import { podKeyOf, rejected, type VerbReply } from "./reply.js";

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
    if (err instanceof TierfitError && err.code === "TF_ERR_UNAVAILABLE") {
      const neutral = priorityListJson(names.map((host) => priorityItem(host, 0)));
      return { status: 200, body: neutral, outcome: "error", log: { ...log, error: err.message } };
    }
    if (err instanceof StandaloneNamesError || err instanceof TierfitError) {
      return rejected(400, err.message, log, undefined, "error");
    }
    throw err;
  }
  if (!ev.reused) {
    rt.recorder.record({
      pod: ev.pod,
      verb: "prioritize",
      states: ev.candidates.states,
      extraFailures: ev.candidates.failures,
      ctx: ev.ctx,
      ledgerChanges: ev.candidates.lookedUp?.changes ?? null,
    });
  }
  const verdicts = ev.judgement.verdicts;
  const positions = ev.candidates.positions;
  const items = names.map((host, i) =>
    positions[i] < 0 ? priorityItem(host, 0) : verdicts[positions[i]].priorityItem,
  );
  const result = priorityListJson(items);
  return {
    status: 200,
    body: result,
    outcome: "ok",
    log: Object.assign(log, { passed: ev.judgement.passed, winner: ev.judgement.winner, reused: ev.reused }),
  };
}
