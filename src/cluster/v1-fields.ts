/**
 * Reading fields of v1 objects that arrive as untrusted JSON (an HTTP body, a file): the
 * TypeScript types say what the API server would send, these checks say what actually came.
 * Every failure names the object and the field, e.g. `pod ml/train-0, metadata.labels.team`.
 */
import { clipText, TierfitError } from "../errors.js";
import { MAX_LABEL_KEY_LENGTH, MAX_LABEL_VALUE_LENGTH } from "./limits.js";

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

/** `text`, unless longer than `max` characters (names, label values: what the API server bounds). */
export function boundedAt<T extends string | undefined>(text: T, max: number, where: string): T {
  if (text !== undefined && text.length > max) {
    throw new TierfitError(
      "TF_ERR_INPUT",
      `${where} is ${text.length.toLocaleString("en-US")} characters long; Kubernetes allows at most ${max}`,
    );
  }
  return text;
}

/**
 * Labels (and annotations, with `labels` false): string → string, as Kubernetes requires (a YAML
 * number is not a label value). Label keys and values are held to the API server's lengths, as
 * tierfit quotes them in reasons.
 */
export function stringMapAt(value: unknown, where: string, labels = true): Readonly<Record<string, string>> {
  const obj = objectAt(value, where);
  if (obj === undefined) return {};
  for (const key in obj) {
    const v = obj[key];
    if (labels) boundedAt(key, MAX_LABEL_KEY_LENGTH, `${where}: a key`);
    if (typeof v !== "string") throw badField(`${where}.${clipText(key, 100)}`, "a string (quote it in YAML)", v);
    if (labels) boundedAt(v, MAX_LABEL_VALUE_LENGTH, `${where}.${key}`);
  }
  return obj as Record<string, string>;
}

function badField(where: string, expected: string, value: unknown): TierfitError {
  const got = Array.isArray(value) ? "a list" : value === null ? "null" : `${typeof value} ${preview(value)}`;
  return new TierfitError("TF_ERR_INPUT", `${where} must be ${expected}, got ${got}`);
}

function preview(value: unknown): string {
  return clipText(JSON.stringify(value) ?? String(value), 60);
}
