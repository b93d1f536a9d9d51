/**
 * What /explain/:namespace/:pod answers: the last decision the extender made for a pod, in the
 * one explanation shape `tierfit explain --output json` prints (src/explain/explanation.ts), plus
 * the device assignment once it is bound. Records are built when asked (decision-recorder.ts
 * keeps their inputs).
 */
import { claimNotes } from "../cluster/dra-pod.js";
import type { PodRequest } from "../cluster/types.js";
import type { TierfitConfig } from "../config/schema.js";
import { buildExplanation, type Explanation, type ExtraFailure } from "../explain/explanation.js";
import type { Decision } from "../scoring/types.js";

export { type ExplainBinding, type ExtraFailure, explainBinding } from "../explain/explanation.js";

export type ExplainRecord = Explanation;

/** Passing nodes best first, then failing nodes in request order, then nodes the core never saw. */
export function explainRecord(
  pod: PodRequest,
  verb: "filter" | "prioritize",
  decision: Decision,
  extraFailures: readonly ExtraFailure[],
  config: TierfitConfig,
  now: number,
): ExplainRecord {
  return buildExplanation({ pod, verb, decision, extraFailures, config, now, notes: claimNotes(pod, []) });
}
