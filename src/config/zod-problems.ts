/** Turns zod issues into problems that say what was expected and what was found. */
import type { z } from "zod";
import { describeSchema, knownKeysAt, schemaAt } from "./describe-schema.js";
import { describeFound, type PathSegment, type Problem } from "./problems.js";

/** The issue fields we read; zod 4 issues carry `input` when parsed with `reportInput: true`. */
interface Issue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly input?: unknown;
  readonly keys?: readonly string[];
  readonly issues?: readonly Issue[];
}

export function zodProblems(root: z.ZodType, issues: readonly Issue[], prefix: readonly PathSegment[] = []): Problem[] {
  return issues.flatMap((issue) => issueProblems(root, issue, prefix));
}

function issueProblems(root: z.ZodType, issue: Issue, prefix: readonly PathSegment[]): Problem[] {
  const path = [...prefix, ...issue.path.map((p) => (typeof p === "number" ? p : String(p)))];
  switch (issue.code) {
    case "unrecognized_keys":
      return (issue.keys ?? []).map((key) => ({
        path: [...path, key],
        message: `unknown key${didYouMean(key, knownKeysAt(root, path))}`,
      }));
    case "invalid_key": {
      const why = issue.issues?.[0]?.message ?? issue.message;
      return [{ path, message: `expected the key to be ${why}, found ${JSON.stringify(path.at(-1))}` }];
    }
    case "invalid_format":
      // The schema's own wording ("a lower-case DNS-style name") says what the format is.
      return [{ path, message: `expected ${issue.message}, found ${describeFound(issue.input)}` }];
    case "custom":
      return [{ path, message: issue.message }];
    default: {
      const schema = schemaAt(root, path);
      const expected = schema ? describeSchema(schema) : "a valid value";
      return [{ path, message: `expected ${expected}, found ${describeFound(issue.input)}` }];
    }
  }
}

/** ` (did you mean "staleAfterSeconds"?)` when a known key is a near miss, else "". */
function didYouMean(key: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  const limit = Math.max(2, Math.floor(key.length / 4));
  return best !== undefined && bestDistance <= limit ? ` (did you mean ${JSON.stringify(best)}?)` : "";
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}
