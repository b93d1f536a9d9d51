/**
 * Filter and prioritize replies written as JSON from pieces, rather than built as objects for
 * JSON.stringify. Most of a reply is per node ("node": "reason", {"Host","Score"}) and the verdict
 * memo keeps each node's piece, UTF-8 encoded, with its answer (answer.ts), so a reply is mostly
 * copies of bytes encoded once: about a quarter of what building and stringifying the objects
 * costs for 500 nodes (fastify's schema serializer was no faster than JSON.stringify for the maps).
 *
 * The reply is written section by section into one buffer: joining the pieces into a string first
 * would allocate the reply twice more (the joined text, then its flattened copy), about 50 KB of
 * young-generation garbage per filter and prioritize pair.
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

/** A section of a reply: literal text, or a list of encoded items written comma-separated. */
export type Section = string | readonly Uint8Array[];

/** The sections one after another as UTF-8, in one allocation. */
export function jsonBytes(sections: readonly Section[]): Buffer {
  let size = 0;
  for (const section of sections) {
    if (typeof section === "string") size += Buffer.byteLength(section, "utf8");
    else for (let i = 0; i < section.length; i++) size += section[i].length + (i > 0 ? 1 : 0);
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const section of sections) {
    if (typeof section === "string") {
      at += out.write(section, at, "utf8");
      continue;
    }
    for (let i = 0; i < section.length; i++) {
      if (i > 0) out[at++] = COMMA;
      out.set(section[i], at);
      at += section[i].length;
    }
  }
  return out;
}

const COMMA = 0x2c;

/** A quoted JSON string. */
export const quote = (s: string): string => JSON.stringify(s);

/** kube-scheduler's range: an integer 0..MaxExtenderPriority; anything else (NaN…) is 0. */
export function clampScore(score: number): number {
  if (!Number.isFinite(score)) return 0;
  return Math.min(MAX_EXTENDER_PRIORITY, Math.max(0, Math.round(score)));
}

/** `"node":"reason"`: one member of FailedNodes or FailedAndUnresolvableNodes, encoded. */
export function failureMember(node: string, reason: string): Buffer {
  return Buffer.from(`${quote(node)}:${quote(reason)}`, "utf8");
}

/** `{"Host":"node","Score":n}`: one item of a HostPriorityList, encoded. */
export function priorityItem(host: string, score: number): Buffer {
  return Buffer.from(`{"Host":${quote(host)},"Score":${clampScore(score)}}`, "utf8");
}

/** A node name as a JSON string, encoded: one item of NodeNames. */
export function quotedName(node: string): Buffer {
  return Buffer.from(quote(node), "utf8");
}

export interface FilterResultPieces {
  /** `null`, or the NodeList's JSON (full mode). */
  readonly nodes: string;
  /** Quoted names (names mode), or null (full mode). */
  readonly nodeNames: readonly Uint8Array[] | null;
  readonly failed: readonly Uint8Array[];
  readonly unresolvable: readonly Uint8Array[];
}

/** ExtenderFilterResult, in the field order Go writes it. */
export function filterResultJson(p: FilterResultPieces): JsonReply {
  const names: Section[] = p.nodeNames === null ? ["null"] : ["[", p.nodeNames, "]"];
  return new JsonReply(
    jsonBytes([
      '{"Nodes":',
      p.nodes,
      ',"NodeNames":',
      ...names,
      ',"FailedNodes":{',
      p.failed,
      '},"FailedAndUnresolvableNodes":{',
      p.unresolvable,
      '},"Error":""}',
    ]),
  );
}

/** HostPriorityList. */
export function priorityListJson(items: readonly Uint8Array[]): JsonReply {
  return new JsonReply(jsonBytes(["[", items, "]"]));
}
