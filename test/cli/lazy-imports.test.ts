/**
 * The CLI loads only what the command being run uses: `tierfit --help` and every command's
 * definition (its options and help) reach none of the packages that take long to import; those
 * load inside the action, with `await import()`. This walks the static import graph from source.
 */
import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/** Packages that cost a noticeable part of a second (or seconds) to import. */
const HEAVY = ["mathjs", "echarts", "@kubernetes/client-node", "ioredis", "fastify", "zod", "yaml", "pino"];

/** Value imports (not `import type`) of a file, as written. */
function staticImports(source: string): string[] {
  const re = /^\s*(?:import|export)\s+(?!type\s)[^;]*?from\s+["']([^"']+)["']|^\s*import\s+["']([^"']+)["']/gm;
  return [...source.matchAll(re)].map((m) => m[1] ?? m[2]);
}

/** Every package reached from `entry` through static imports, with the chain that reaches it. */
function packagesReached(entry: string): Map<string, string[]> {
  const reached = new Map<string, string[]>();
  const seen = new Set<string>();
  const visit = (file: string, chain: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of staticImports(readFileSync(file, "utf8"))) {
      if (spec.startsWith(".")) {
        visit(join(dirname(file), spec).replace(/\.js$/, ".ts"), [...chain, file]);
      } else if (!spec.startsWith("node:") && !reached.has(spec)) {
        reached.set(
          spec,
          [...chain, file].map((f) => relative(".", f)),
        );
      }
    }
  };
  visit(entry, []);
  return reached;
}

function heavyReached(entry: string): string[] {
  return [...packagesReached(entry)]
    .filter(([spec]) => HEAVY.some((h) => spec === h || spec.startsWith(`${h}/`)))
    .map(([spec, chain]) => `${spec} via ${chain.join(" → ")}`);
}

describe("the CLI imports lazily", () => {
  it("tierfit --help and --version load no heavy package", () => {
    expect(heavyReached("src/cli/main.ts")).toEqual([]);
  });

  it.each(["config", "explain", "serve", "bridge", "demand", "report", "simulate"])(
    "defining `%s` (its options and --help) loads no heavy package",
    (name) => {
      expect(heavyReached(`src/cli/commands/${name}.ts`)).toEqual([]);
    },
  );

  it("the walk finds what it is meant to find", () => {
    expect(heavyReached("src/scoring/expression.ts")).toEqual([
      "mathjs/lib/browser/math.js via src/scoring/expression.ts",
      "zod via src/scoring/expression.ts → src/config/schema.ts",
    ]);
    expect(staticImports('import type { A } from "zod";\nimport { type B, c } from "yaml";\nimport "pino";')).toEqual([
      "yaml",
      "pino",
    ]);
  });
});
