/**
 * The scoring core stays pure: no I/O, clock or random source, so the extender and the
 * simulator run exactly the same decisions. This test is the import rule that keeps it so.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const CORE_DIR = "src/scoring";
/** Packages the core may import: maths only (mathjs's types, and its single-file build to run). */
const ALLOWED_PACKAGES = new Set(["mathjs", "mathjs/lib/browser/math.js"]);
/** Source folders the core may reach into: its own, the cluster views' pure types and helpers, the config schema. */
const ALLOWED_RELATIVE = [
  /^src\/scoring\//,
  /^src\/cluster\/(types|quantity|gpu-units)\.js$/,
  /^src\/config\/schema\.js$/,
  // The operator-facing error catalogue is a plain class: a policy registry throws from it.
  /^src\/errors\.js$/,
];
const BANNED_TOKENS: [RegExp, string][] = [
  [/\bDate\.now\s*\(/, "Date.now()"],
  [/\bnew Date\s*\(/, "new Date()"],
  [/\bMath\.random\s*\(/, "Math.random()"],
  [/\bperformance\.now\s*\(/, "performance.now()"],
  [/\bprocess\./, "process"],
  [/\bsetTimeout\s*\(|\bsetInterval\s*\(/, "timers"],
  [/\bfetch\s*\(/, "fetch()"],
  [/\brequire\s*\(/, "require()"],
  [/(?<![.\w])import\s*\(/, "dynamic import()"],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

function importsOf(source: string): string[] {
  const re = /^\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']/gm;
  return [...source.matchAll(re)].map((m) => m[1]);
}

/** What a core file breaks: every import outside the allowed set and every banned call. */
function coreViolations(file: string, source: string): string[] {
  const problems: string[] = [];
  for (const spec of importsOf(source)) {
    if (spec.startsWith(".")) {
      const target = relative(".", join(file, "..", spec)).replaceAll("\\", "/");
      if (!ALLOWED_RELATIVE.some((re) => re.test(target))) problems.push(`${file} imports ${target}`);
    } else if (!ALLOWED_PACKAGES.has(spec)) {
      problems.push(`${file} imports package ${spec}`);
    }
  }
  const code = source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
  for (const [re, what] of BANNED_TOKENS) if (re.test(code)) problems.push(`${file} uses ${what}`);
  return problems;
}

describe("scoring core import rule", () => {
  it("src/scoring imports no I/O, clock or random source", () => {
    const violations = sourceFiles(CORE_DIR).flatMap((f) => coreViolations(f, readFileSync(f, "utf8")));
    expect(violations).toEqual([]);
  });

  it("catches what it is meant to catch", () => {
    const bad = [
      'import { readFileSync } from "node:fs";',
      'import Redis from "ioredis";',
      'import { KubeConfig } from "@kubernetes/client-node";',
      'import { x } from "../extender/server.js";',
      "const t = Date.now();",
      "const r = Math.random();",
      'const fs = await import("node:fs");',
    ].join("\n");
    expect(coreViolations("src/scoring/bad.ts", bad)).toHaveLength(7);
    expect(coreViolations("src/scoring/ok.ts", "math.import({ f: () => 1 });")).toEqual([]);
    expect(
      coreViolations("src/scoring/ok.ts", 'import { evaluate } from "mathjs";\nimport type { X } from "./types.js";'),
    ).toEqual([]);
  });
});
