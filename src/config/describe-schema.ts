/**
 * Reads the zod schema back to say what a path expects ("a number from 0 to 100"), so an error
 * names the allowed values instead of zod's generic wording. Walks zod's public `_zod.def`.
 */
import type { z } from "zod";
import type { PathSegment } from "./problems.js";

interface CheckDef {
  readonly check: string;
  readonly value?: number;
  readonly inclusive?: boolean;
  readonly minimum?: number;
  readonly format?: string;
}

interface SchemaDef {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly entries?: Readonly<Record<string, string | number>>;
  readonly values?: readonly unknown[];
  readonly options?: readonly z.ZodType[];
  readonly checks?: readonly { readonly _zod: { readonly def: CheckDef } }[];
}

const WRAPPERS = new Set(["default", "prefault", "optional", "nullable", "readonly", "catch", "nonoptional"]);

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    const def = defOf(s);
    if (WRAPPERS.has(def.type) && def.innerType) s = def.innerType;
    else if (def.type === "pipe" && def.in) s = def.in;
    else return s;
  }
}

/** The schema that validates the value at `path`, or undefined when the path leaves the schema. */
export function schemaAt(root: z.ZodType, path: readonly PathSegment[]): z.ZodType | undefined {
  let s: z.ZodType | undefined = root;
  for (const seg of path) {
    if (!s) return undefined;
    const def = defOf(unwrap(s));
    if (def.type === "object") s = def.shape?.[String(seg)];
    else if (def.type === "array") s = def.element;
    else if (def.type === "record") s = def.valueType;
    else return undefined;
  }
  return s;
}

/** The keys an object schema at `path` accepts (for "did you mean" hints). */
export function knownKeysAt(root: z.ZodType, path: readonly PathSegment[]): string[] {
  const s = schemaAt(root, path);
  if (!s) return [];
  const def = defOf(unwrap(s));
  return def.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

/** "a number from 0 to 100", "an integer above 0", `one of "neutral", "minimum", "reject"`. */
export function describeSchema(schema: z.ZodType): string {
  // A schema may say in words what it accepts (`.describe(...)`); that beats reading its checks.
  if (schema.description) return schema.description;
  const def = defOf(schema);
  if (def.type === "nullable" && def.innerType) return `${describeSchema(def.innerType)} or null`;
  if (WRAPPERS.has(def.type) && def.innerType) return describeSchema(def.innerType);
  if (def.type === "pipe" && def.in) return describeSchema(def.in);
  const checks = (def.checks ?? []).map((c) => c._zod.def);
  switch (def.type) {
    case "number":
      return describeNumber(checks);
    case "string":
      return checks.some((c) => c.check === "min_length" && (c.minimum ?? 0) > 0) ? "a non-empty string" : "a string";
    case "boolean":
      return "true or false";
    case "enum":
      return `one of ${Object.values(def.entries ?? {})
        .map((v) => JSON.stringify(v))
        .join(", ")}`;
    case "literal":
      return (def.values ?? []).map((v) => JSON.stringify(v)).join(" or ");
    case "array": {
      const min = checks.find((c) => c.check === "min_length")?.minimum ?? 0;
      return min > 0 ? `a list of at least ${min} item${min === 1 ? "" : "s"}` : "a list";
    }
    case "object":
    case "record":
      return "a mapping";
    case "union":
      return (def.options ?? []).map(describeSchema).join(" or ");
    default:
      return "a valid value";
  }
}

function describeNumber(checks: readonly CheckDef[]): string {
  const isInt = checks.some((c) => c.check === "number_format" && (c.format === "safeint" || c.format === "int32"));
  const noun = isInt ? "an integer" : "a number";
  const lo = checks.find((c) => c.check === "greater_than");
  const hi = checks.find((c) => c.check === "less_than");
  if (lo && hi) {
    if (lo.inclusive && hi.inclusive) return `${noun} from ${lo.value} to ${hi.value}`;
    return `${noun} ${lo.inclusive ? "of at least" : "above"} ${lo.value} and ${hi.inclusive ? "at most" : "below"} ${hi.value}`;
  }
  if (lo) return `${noun} ${lo.inclusive ? "of at least" : "above"} ${lo.value}`;
  if (hi) return `${noun} ${hi.inclusive ? "of at most" : "below"} ${hi.value}`;
  return noun;
}
