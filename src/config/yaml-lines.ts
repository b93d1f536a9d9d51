/** Maps a config path back to where it sits in the YAML text, so errors can name a line. */
import { type Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from "yaml";
import type { PathSegment } from "./problems.js";

export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * Position of the value at `path`, or of its key when `at` is "key" (unknown keys). A path that
 * does not exist in the text (a missing field) resolves to its deepest ancestor that does.
 */
export function positionOf(
  doc: Document,
  counter: LineCounter,
  path: readonly PathSegment[],
  at: "value" | "key" = "value",
): SourcePosition | undefined {
  let node: unknown = doc.contents;
  let keyNode: unknown;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      keyNode = pair.key;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof seg === "number" && seg < node.items.length) {
      keyNode = undefined;
      node = node.items[seg];
    } else {
      break;
    }
  }
  const target = (at === "key" && keyNode) || node;
  const range = (target as Node | null)?.range;
  if (!range) return undefined;
  const { line, col } = counter.linePos(range[0]);
  return { line, column: col };
}
