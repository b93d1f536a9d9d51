/**
 * Reading a scenario file: YAML → schema and cross-field rules (resolve.ts) → a Scenario. Every
 * problem is reported at once with its line in the file; relative data and config paths resolve
 * against the scenario file's folder.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { describeFound, type Problem } from "../../src/config/problems.js";
import { positionOf } from "../../src/config/yaml-lines.js";
import { TierfitError } from "../../src/errors.js";
import { resolveScenario } from "./resolve.js";
import { ScenarioError } from "./scenario-error.js";
import type { Scenario } from "./types.js";

export { defaultScenario } from "./default.js";
export type { Scenario } from "./types.js";

export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (err as Error).message;
    throw new TierfitError("TF_ERR_INPUT", `cannot read scenario file ${path}: ${why}`);
  }
  return parseScenario(text, path, dirname(resolve(path)));
}

/** `source` names the text in messages; `baseDir` is where relative paths point. */
export function parseScenario(text: string, source: string, baseDir: string): Scenario {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      source,
      doc.errors.map((e) => ({
        path: [],
        line: e.linePos?.[0]?.line,
        column: e.linePos?.[0]?.col,
        message: `YAML syntax error: ${e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`,
      })),
    );
  }
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ScenarioError(source, [{ path: [], message: `expected a mapping, found ${describeFound(raw)}` }]);
  }
  const { scenario, problems } = resolveScenario(raw, { baseDir });
  if (scenario === undefined || problems.length > 0) {
    const located: Problem[] = problems.map((p) => ({
      ...p,
      line: positionOf(doc, counter, p.path, p.message.startsWith("unknown key") ? "key" : "value")?.line,
    }));
    located.sort((a, b) => (a.line ?? Number.POSITIVE_INFINITY) - (b.line ?? Number.POSITIVE_INFINITY));
    throw new ScenarioError(source, located);
  }
  return scenario;
}
