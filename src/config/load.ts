/**
 * Loading the operator's config: YAML text → schema → cross-field rules → one immutable,
 * typed object. Every problem is reported at once, each with its line in the file.
 */
import { readFileSync } from "node:fs";
import { LineCounter, parseDocument, type YAMLError } from "yaml";
import { TierfitError } from "../errors.js";
import { ConfigError, describeFound, type Problem } from "./problems.js";
import { configSchema, type TierfitConfig } from "./schema.js";
import { crossFieldProblems } from "./validate.js";
import { positionOf } from "./yaml-lines.js";
import { zodProblems } from "./zod-problems.js";

/** The built-in config: the schema's defaults (what config/tierfit.yaml spells out). */
export function defaultConfig(): TierfitConfig {
  return deepFreeze(structuredClone(configSchema.parse({})));
}

/** No path → the built-in default. */
export function loadConfig(path?: string): TierfitConfig {
  if (path === undefined) return defaultConfig();
  return parseConfig(readConfigText(path), path);
}

export function readConfigText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (err as Error).message;
    throw new TierfitError("TF_ERR_INPUT", `cannot read config file ${path}: ${why}`);
  }
}

/** `source` names the text in messages (usually its path). Throws ConfigError listing every problem. */
export function parseConfig(text: string, source: string): TierfitConfig {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  if (doc.errors.length > 0) throw new ConfigError(source, doc.errors.map(yamlProblem));
  if (doc.contents === null) {
    throw new ConfigError(source, [
      { path: [], message: "the file is empty; delete it to use the defaults or write a config" },
    ]);
  }
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    const line = positionOf(doc, counter, [])?.line;
    throw new ConfigError(source, [
      { path: [], line, message: `expected a mapping of config sections, found ${describeFound(raw)}` },
    ]);
  }
  const { config, problems } = validate(raw as Record<string, unknown>);
  if (config === undefined || problems.length > 0) {
    const located = problems.map((p) => ({
      ...p,
      line: positionOf(doc, counter, p.path, p.message.startsWith("unknown key") ? "key" : "value")?.line,
    }));
    // In file order, as an editor would list them; problems without a line last.
    located.sort((a, b) => (a.line ?? Number.POSITIVE_INFINITY) - (b.line ?? Number.POSITIVE_INFINITY));
    throw new ConfigError(source, located);
  }
  return deepFreeze(structuredClone(config));
}

/** Schema problems and cross-field problems together, so one run reports them all. */
function validate(raw: Record<string, unknown>): { config?: TierfitConfig; problems: Problem[] } {
  const parsed = configSchema.safeParse(raw, { reportInput: true });
  if (parsed.success) return { config: parsed.data, problems: crossFieldProblems(parsed.data) };
  const lenient = layer(configSchema.parse({}), raw) as TierfitConfig;
  return { problems: [...zodProblems(configSchema, parsed.error.issues), ...crossFieldProblems(lenient)] };
}

/** `over` laid on `under`, mappings merged key by key: what the file meant, before validation. */
function layer(under: unknown, over: unknown): unknown {
  if (over === undefined) return under;
  if (!isMapping(under) || !isMapping(over)) return over;
  const out: Record<string, unknown> = { ...under };
  for (const [k, v] of Object.entries(over)) out[k] = layer(under[k], v);
  return out;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function yamlProblem(err: YAMLError): Problem {
  const pos = err.linePos?.[0];
  // yaml appends " at line L, column C:" and a code excerpt; we print the position our own way.
  const message = err.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
  return { path: [], line: pos?.line, column: pos?.col, message: `YAML syntax error: ${message}` };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
