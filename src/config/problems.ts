/**
 * What is wrong with a config file, as a person reads it: one problem per line, compiler-style
 * (`file:line: path: expected X, found Y`) so editors can jump to it. Every problem is collected
 * before the error is thrown; an operator should never fix one mistake only to meet the next.
 */
import { TierfitError } from "../errors.js";

export type PathSegment = string | number;

export interface Problem {
  readonly path: readonly PathSegment[];
  readonly message: string;
  /** 1-based line in the YAML source, when it can be found. */
  readonly line?: number;
  readonly column?: number;
}

export class ConfigError extends TierfitError {
  readonly source: string;
  /** Each problem already formatted as one line. */
  readonly problems: readonly string[];
  /** The same problems, unformatted (for `config validate --output json`). */
  readonly details: readonly Problem[];

  constructor(source: string, problems: readonly Problem[]) {
    const lines = problems.map((p) => formatProblem(source, p));
    const count = lines.length === 1 ? "1 problem" : `${lines.length} problems`;
    super(
      "TF_ERR_CONFIG",
      `${source} is not a valid tierfit config (${count}):\n${lines.map((l) => `  ${l}`).join("\n")}`,
    );
    this.name = "ConfigError";
    this.source = source;
    this.problems = lines;
    this.details = problems;
  }
}

/** `tiers[2].name`, `scoring.weights.gpuMemory`, `gpu.productMemoryMiB["Tesla-T4"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

export function formatProblem(source: string, p: Problem): string {
  const where = p.line === undefined ? source : `${source}:${p.line}${p.column === undefined ? "" : `:${p.column}`}`;
  const path = formatPath(p.path);
  return path === "" ? `${where}: ${p.message}` : `${where}: ${path}: ${p.message}`;
}

/** How a value the operator wrote reads in a message: strings quoted, containers by kind. */
export function describeFound(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : `a list of ${value.length}`;
  if (typeof value === "object") return "a mapping";
  return String(value);
}
