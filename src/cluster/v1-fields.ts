/**
 * Reading fields of v1 objects that arrive as untrusted JSON (an HTTP body, a file): the
 * TypeScript types say what the API server would send, these checks say what actually came.
 * Every failure names the object and the field, e.g. `pod ml/train-0, metadata.labels.team`.
 */
import { TierfitError } from "../errors.js";

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An optional nested object: undefined/null → undefined. */
export function objectAt(value: unknown, where: string): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw badField(where, "an object", value);
  return value;
}

/** An optional list: undefined/null → empty. */
export function arrayAt(value: unknown, where: string): readonly unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badField(where, "a list", value);
  return value;
}

export function optionalStringAt(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw badField(where, "a string", value);
  return value;
}

export function requiredStringAt(value: unknown, where: string): string {
  const s = optionalStringAt(value, where);
  if (s === undefined || s === "") throw new TierfitError("TF_ERR_INPUT", `${where} is missing`);
  return s;
}

/** Labels and annotations: string → string, as Kubernetes requires (a YAML number is not a label value). */
export function stringMapAt(value: unknown, where: string): Readonly<Record<string, string>> {
  const obj = objectAt(value, where);
  if (obj === undefined) return {};
  for (const [key, v] of Object.entries(obj)) {
    if (typeof v !== "string") throw badField(`${where}.${key}`, "a string (quote it in YAML)", v);
  }
  return obj as Record<string, string>;
}

function badField(where: string, expected: string, value: unknown): TierfitError {
  const got = Array.isArray(value) ? "a list" : value === null ? "null" : `${typeof value} ${preview(value)}`;
  return new TierfitError("TF_ERR_INPUT", `${where} must be ${expected}, got ${got}`);
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
