/**
 * POST /filter: ExtenderArgs → ExtenderFilterResult, answered in the mode asked (NodeNames in →
 * NodeNames out; Nodes in → the same node objects out, in order). Unresolvable rejections go to
 * FailedAndUnresolvableNodes so kube-scheduler does not try preemption there. The reply is
 * written from each node's encoded pieces (reply-json.ts).
 */
import { claimNeed } from "../../cluster/dra-pod.js";
import { TierfitError } from "../../errors.js";
import type { Rejection } from "../../scoring/types.js";
import { failureMember, filterResultJson, type JsonReply } from "../reply-json.js";
import type { ExtenderRuntime } from "../runtime.js";
import { decodeExtenderArgs, type ExtenderArgs, type ExtenderFilterResult, MalformedRequestError } from "../wire.js";
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
  if (ev.pod.gpuClaims !== undefined) log.claims = ev.pod.gpuClaims;
  rt.recorder.record({
    pod: ev.pod,
    verb: "filter",
    states: ev.candidates.states,
    extraFailures: ev.candidates.failures,
    ctx: ev.ctx,
    ledgerChanges: ev.candidates.lookedUp?.changes ?? null,
  });

  const verdicts = ev.judgement.verdicts;
  const extra = ev.candidates.failures;
  const passing = ev.judgement.passed;
  // Counted first, so the member lists are sized once rather than grown (400 rejections: 9 times).
  let unresolvableCount = 0;
  for (const v of verdicts) if (v.rejection?.unresolvable) unresolvableCount++;
  for (const f of extra) if (f.rejection.unresolvable) unresolvableCount++;
  const failed: Buffer[] = new Array(verdicts.length - passing + extra.length - unresolvableCount);
  const unresolvable: Buffer[] = new Array(unresolvableCount);
  let f = 0;
  let u = 0;
  const bySignal = new Map<string, number>();
  const reject = (rejection: Rejection, member: Buffer) => {
    if (rejection.unresolvable) unresolvable[u++] = member;
    else failed[f++] = member;
    bySignal.set(rejection.signal, (bySignal.get(rejection.signal) ?? 0) + 1);
  };
  // A DRA pod's GPU need came from its claims: its reasons say so (not memoised: the memo's rows
  // are shared by every pod of the same shape).
  const need = claimNeed(ev.pod);
  for (const v of verdicts) {
    if (v.rejection === null) continue;
    if (need === null || v.rejection.signal === "resourcesFit") reject(v.rejection, v.failureMember);
    else reject(v.rejection, failureMember(v.node, `${need}; ${v.rejection.reason}`));
  }
  for (const e of extra) reject(e.rejection, failureMember(e.node, e.rejection.reason));
  for (const [signal, count] of bySignal) rt.metrics.nodesRejected.inc({ signal }, count);
  const positions = ev.candidates.positions;
  const passes = (i: number) => positions[i] >= 0 && verdicts[positions[i]].rejection === null;
  let result: JsonReply;
  if (args.NodeNames !== null) {
    // One state per name in names mode, so exactly `passing` names pass: sized once, not grown.
    const quoted: Buffer[] = new Array(passing);
    const nameAt = new Int32Array(passing);
    const at = new Int32Array(passing);
    for (let i = 0, k = 0; i < args.NodeNames.length; i++) {
      if (!passes(i)) continue;
      quoted[k] = verdicts[positions[i]].quotedNode;
      nameAt[k] = i;
      at[k++] = positions[i];
    }
    const lookedUp = ev.candidates.lookedUp;
    const byName = lookedUp === null ? null : { lookedUp, requestNames: args.NodeNames, nameAt, at };
    rt.decisions.store(ev.pod.uid, ev.judgement, byName);
    result = filterResultJson({ nodes: "null", nodeNames: quoted, failed, unresolvable });
  } else {
    rt.decisions.store(ev.pod.uid, ev.judgement);
    const list = args.Nodes!;
    const nodes = JSON.stringify({ ...list, items: list.items.filter((_, i) => passes(i)) });
    result = filterResultJson({ nodes, nodeNames: null, failed, unresolvable });
  }
  return {
    status: 200,
    body: result,
    outcome: "ok",
    log: Object.assign(log, { passed: ev.judgement.passed, winner: ev.judgement.winner }),
  };
}
