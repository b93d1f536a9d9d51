/**
 * What scripts rely on (README, "Scripting"): `--output json` shapes, exit codes, --out checked
 * before any work, a rerun leaving no stale files, and flags alike across commands.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli/main.js";
import { TINY_SCENARIO_PATH } from "../sim/sweep/support.js";
import { runCli, STACK_LINE } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "tierfit-cli-scripting-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe("config --output json", () => {
  it("validate: a valid file", async () => {
    const r = await runCli(["config", "validate", "-c", "config/tierfit.yaml", "-o", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      file: "config/tierfit.yaml",
      valid: true,
      summary: "3 tiers (shared-kernel < sandboxed < hypervisor), weighted sum of 5 signals, 2 workload classes",
      problems: [],
    });
  });

  it("validate: every problem with its line, and exit code 3", async () => {
    const bad = file("bad.yaml", "scoring:\n  weights:\n    gpuMemory: high\nbogusKey: 1\n");
    const r = await runCli(["config", "validate", bad, "--output", "json"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ file: bad, valid: false, summary: null });
    expect(out.problems.map((p: { line: number; path: unknown[] }) => [p.line, p.path])).toEqual([
      [3, ["scoring", "weights", "gpuMemory"]],
      [4, ["bogusKey"]],
    ]);
    for (const p of out.problems) expect(p.text).toMatch(new RegExp(`^${bad}:\\d+(:\\d+)?: .+`));
  });

  it("validate: a file given twice, or none, is a usage error (1)", async () => {
    expect((await runCli(["config", "validate"])).code).toBe(1);
    expect((await runCli(["config", "validate", "a.yaml", "-c", "b.yaml"])).code).toBe(1);
  });

  it("show: the effective config as JSON, equal to the YAML form", async () => {
    const json = await runCli(["config", "show", "-o", "json"]);
    const yaml = await runCli(["config", "show"]);
    expect(json.code).toBe(0);
    const { parse } = await import("yaml");
    expect(JSON.parse(json.stdout)).toEqual(parse(yaml.stdout));
  });
});

describe("simulate", () => {
  const args = ["simulate", TINY_SCENARIO_PATH, "--policies", "tierfit", "--seeds", "1,", "--quiet"];

  it("refuses an --out it cannot write before running anything (exit 2, no stack trace)", async () => {
    const blocker = file("a-file", "not a folder\n");
    const r = await runCli([...args, "--out", join(blocker, "report")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`tierfit: --out ${join(blocker, "report")}: ${blocker} exists and is not a folder\n`);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.stdout).toBe("");
  });

  it("--output json prints where the report went and its summary; a rerun removes what it would leave stale", async () => {
    const out = join(dir, "report");
    const first = await runCli([...args, "--policies", "tierfit,binpack", "--out", out, "-o", "json"]);
    expect(first.code).toBe(0);
    const printed = JSON.parse(first.stdout);
    expect(Object.keys(printed)).toEqual(["out", "files", "summary"]);
    expect(printed.out).toBe(out);
    expect(printed.summary.runs.map((r: { policy: string }) => r.policy)).toEqual(["tierfit", "binpack"]);
    writeFileSync(join(out, "notes.txt"), "mine\n");

    const second = await runCli([...args, "--out", out, "-o", "json"]);
    expect(second.code).toBe(0);
    const files = readdirSync(out).sort();
    expect(files.filter((f) => f.includes("binpack"))).toEqual([]);
    expect(files).toContain("notes.txt");
    expect(files).toContain("series-tierfit-seed1.csv");
    expect(
      JSON.parse(second.stdout)
        .files.map((f: string) => f.replace(`${out}/`, ""))
        .sort(),
    ).toEqual(files.filter((f) => !f.startsWith(".") && f !== "notes.txt"));
  });

  it("--shard with --output json names the shard file", async () => {
    const out = join(dir, "shards");
    const r = await runCli([...args, "--shard", "0/1", "--out", out, "-o", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      out,
      files: [join(out, "shard-0-of-1.json")],
      shard: { index: 0, count: 1 },
      runs: 1,
    });
    expect(existsSync(join(out, "shard-0-of-1.json"))).toBe(true);
  });
});

describe("flags alike across commands", () => {
  const commands: [string, string[]][] = [
    ["serve", ["serve"]],
    ["bridge", ["bridge"]],
    ["demand", ["demand", "show"]],
    ["report", ["report"]],
    ["explain", ["explain"]],
    ["config", ["config", "show"]],
  ];
  it.each(commands)("%s: -c/--config, and --redis from REDIS_URL where it talks to Redis", async (name, path) => {
    let cmd = (await buildProgram(name)).commands.find((c) => c.name() === name);
    for (const sub of path.slice(1)) cmd = cmd?.commands.find((c) => c.name() === sub);
    const option = (long: string) => cmd?.options.find((o) => o.long === long);
    expect(option("--config")?.short).toBe("-c");
    if (["serve", "bridge", "demand", "report"].includes(name)) {
      expect(option("--redis")?.envVar).toBe("REDIS_URL");
      if (name !== "serve") expect(option("--prefix")).toBeDefined();
    }
    if (["serve", "bridge"].includes(name)) expect(option("--log-level")?.defaultValue).toBe("info");
    if (name !== "serve") expect(option("--output")?.short).toBe("-o");
  });

  it("--help lists the exit codes", async () => {
    const r = await runCli(["--help"]);
    expect(r.stdout).toContain("Exit codes:");
    expect(r.stdout).toMatch(/\n {2}5 {3}explain: no node fits the pod/);
  });
});
