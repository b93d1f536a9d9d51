/**
 * Filter and prioritize replies written as JSON text from pieces, rather than built as objects
 * for JSON.stringify. Most of a reply is per node ("node": "reason", {"Host","Score"}) and the
 * verdict memo keeps each node's piece with its answer (answer.ts), so a reply is mostly a join
 * of strings encoded once: about a quarter of what building and stringifying the objects costs
 * for 500 nodes (fastify's schema serializer was no faster than JSON.stringify for the maps).
 */
import { MAX_EXTENDER_PRIORITY } from "./wire.js";

/** A reply body that is already JSON text; app.ts sends it as is, as application/json. */
export class JsonText {
  constructor(readonly text: string) {}

  /** The value it encodes (tests, and anyone who needs the object). */
  parse(): unknown {
    return JSON.parse(this.text);
  }
}

/** A quoted JSON string. */
export const quote = (s: string): string => JSON.stringify(s);

/** kube-scheduler's range: an integer 0..MaxExtenderPriority; anything else (NaN…) is 0. */
export function clampScore(score: number): number {
  if (!Number.isFinite(score)) return 0;
  return Math.min(MAX_EXTENDER_PRIORITY, Math.max(0, Math.round(score)));
}

/** `"node":"reason"`: one member of FailedNodes or FailedAndUnresolvableNodes. */
export function failureMember(node: string, reason: string): string {
  return `${quote(node)}:${quote(reason)}`;
}

/** `{"Host":"node","Score":n}`: one item of a HostPriorityList. */
export function priorityItem(host: string, score: number): string {
  return `{"Host":${quote(host)},"Score":${clampScore(score)}}`;
}

export interface FilterResultPieces {
  /** `null`, or the NodeList's JSON (full mode). */
  readonly nodes: string;
  /** Quoted names (names mode), or null (full mode). */
  readonly nodeNames: readonly string[] | null;
  readonly failed: readonly string[];
  readonly unresolvable: readonly string[];
}

/** ExtenderFilterResult, in the field order Go writes it. */
export function filterResultJson(p: FilterResultPieces): JsonText {
  const names = p.nodeNames === null ? "null" : `[${p.nodeNames.join(",")}]`;
  return new JsonText(
    `{"Nodes":${p.nodes},"NodeNames":${names},"FailedNodes":{${p.failed.join(",")}},` +
      `"FailedAndUnresolvableNodes":{${p.unresolvable.join(",")}},"Error":""}`,
  );
}

/** HostPriorityList. */
export function priorityListJson(items: readonly string[]): JsonText {
  return new JsonText(`[${items.join(",")}]`);
}
