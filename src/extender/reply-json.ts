/**
 * Filter and prioritize replies written as JSON from pieces, rather than built as objects for
 * JSON.stringify. Most of a reply is per node ("node": "reason", {"Host","Score"}) and the verdict
 * memo keeps each node's piece with its answer (answer.ts), so a reply is mostly a join of strings
 * encoded once: about a quarter of what building and stringifying the objects costs for 500 nodes
 * (fastify's schema serializer was no faster than JSON.stringify for the maps).
 *
 * The reply leaves as UTF-8 bytes written section by section into one buffer: a string reply
 * would be copied three more times on its way out (flattened from the concatenation of its
 * sections, then again with the HTTP head prepended, then encoded inside the socket write).
 */
import { MAX_EXTENDER_PRIORITY } from "./wire.js";

/** A reply body that is already JSON; app.ts sends its bytes as they are, as application/json. */
export class JsonReply {
  constructor(readonly bytes: Buffer) {}

  get text(): string {
    return this.bytes.toString("utf8");
  }

  /** The value it encodes (tests, and anyone who needs the object). */
  parse(): unknown {
    return JSON.parse(this.text);
  }
}

/** The UTF-8 encoding of the sections one after another, in one allocation. */
export function jsonBytes(sections: readonly string[]): Buffer {
  let size = 0;
  for (let i = 0; i < sections.length; i++) size += Buffer.byteLength(sections[i], "utf8");
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (let i = 0; i < sections.length; i++) at += out.write(sections[i], at, "utf8");
  return out;
}

/** A quoted JSON string. */
export const quote = (s: string): string => JSON.stringify(s);

/** kube-scheduler's range: an integer 0..MaxExtenderPriority; anything else (NaN…) is 0. */
export function clampScore(score: number): number {
  if (!Number.isFinite(score)) return 0;
  return Math.min(MAX_EXTENDER_PRIORITY, Math.max(0, Math.round(score)));
}

/*
 * Pieces are joined rather than concatenated: a join is one flat string, where a concatenation
 * is a tree of parts that every reply joining the piece would walk again.
 */

/** `"node":"reason"`: one member of FailedNodes or FailedAndUnresolvableNodes. */
export function failureMember(node: string, reason: string): string {
  return [quote(node), quote(reason)].join(":");
}

/** `{"Host":"node","Score":n}`: one item of a HostPriorityList. */
export function priorityItem(host: string, score: number): string {
  return ['{"Host":', quote(host), ',"Score":', String(clampScore(score)), "}"].join("");
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
export function filterResultJson(p: FilterResultPieces): JsonReply {
  const names = p.nodeNames === null ? ["null"] : ["[", p.nodeNames.join(","), "]"];
  return new JsonReply(
    jsonBytes([
      '{"Nodes":',
      p.nodes,
      ',"NodeNames":',
      ...names,
      ',"FailedNodes":{',
      p.failed.join(","),
      '},"FailedAndUnresolvableNodes":{',
      p.unresolvable.join(","),
      '},"Error":""}',
    ]),
  );
}

/** HostPriorityList. */
export function priorityListJson(items: readonly string[]): JsonReply {
  return new JsonReply(jsonBytes(["[", items.join(","), "]"]));
}
