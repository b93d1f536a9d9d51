import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { defaultConfig, parseConfig } from "../../src/config/load.js";
import { runCli, STACK_LINE } from "./run-cli.js";

describe("tierfit config", () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "tierfit-cli-config-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("validate: the shipped default file is valid and summarised in one line", async () => {
    const r = await runCli(["config", "validate", "config/tierfit.yaml"]);
    expect(r).toEqual({
      code: 0,
      stdout:
        "config/tierfit.yaml: valid — 3 tiers (shared-kernel < sandboxed < hypervisor), weighted sum of 5 signals, 2 workload classes\n",
      stderr: "",
    });
  });

  it("validate: summarises an expression and counts only the signals that weigh", async () => {
    const file = join(dir, "expr.yaml");
    writeFileSync(file, 'scoring:\n  expression: "min(liveDemand, gpuMemory)"\n');
    const r = await runCli(["config", "validate", file]);
    expect(r.stdout).toBe(
      `${file}: valid — 3 tiers (shared-kernel < sandboxed < hypervisor), score expression "min(liveDemand, gpuMemory)", 2 workload classes\n`,
    );
    const two = join(dir, "two.yaml");
    writeFileSync(two, "scoring:\n  weights: { liveDemand: 0, fragmentation: 0, resourcesFit: 0 }\n");
    expect((await runCli(["config", "validate", two])).stdout).toContain("weighted sum of 2 signals");
  });

  it("validate: exits 3 listing every problem, without a stack trace", async () => {
    const file = join(dir, "bad.yaml");
    writeFileSync(file, "scoring:\n  weights:\n    gpuMemory: high\ndemand:\n  onStale: ignore\nbogusKey: 1\n");
    const r = await runCli(["config", "validate", file]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      [
        `tierfit: ${file} is not a valid tierfit config (3 problems):`,
        `  ${file}:3: scoring.weights.gpuMemory: expected a number from 0 to 100, found "high"`,
        `  ${file}:5: demand.onStale: expected one of "neutral", "minimum", "reject", found "ignore"`,
        `  ${file}:6: bogusKey: unknown key`,
        "",
      ].join("\n"),
    );
  });

  it("validate: a missing file is one line and exit code 2", async () => {
    const r = await runCli(["config", "validate", join(dir, "nope.yaml")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`tierfit: cannot read config file ${join(dir, "nope.yaml")}: no such file\n`);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it("validate: malformed YAML and an empty file are refused with exit code 3", async () => {
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, "scoring:\n  weights: {gpuMemory: 3\n");
    const r = await runCli(["config", "validate", broken]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`^  ${broken}:\\d+:\\d+: YAML syntax error: `, "m"));
    const empty = join(dir, "empty.yaml");
    writeFileSync(empty, "");
    const e = await runCli(["config", "validate", empty]);
    expect(e.code).toBe(3);
    expect(e.stderr).toContain("the file is empty; delete it to use the defaults or write a config");
  });

  it("show: prints the effective config as YAML that reads back to the same config", async () => {
    const r = await runCli(["config", "show"]);
    expect(r.code).toBe(0);
    expect(parse(r.stdout)).toEqual(defaultConfig());

    const file = join(dir, "partial.yaml");
    writeFileSync(file, "demand:\n  onStale: reject\n");
    const s = await runCli(["config", "show", "--config", file]);
    const shown = parseConfig(s.stdout, "shown");
    expect(shown.demand.onStale).toBe("reject");
    expect(shown.demand.staleAfterSeconds).toBe(60);
    expect(shown.tiers).toEqual(defaultConfig().tiers);
  });

  it("every subcommand and option has help text", async () => {
    const group = await runCli(["config", "--help"]);
    expect(group.stdout).toMatch(/validate \[options\] \[file\]\s+Validate a config file/);
    expect(group.stdout).toMatch(/show \[options\]\s+Print the effective config/);
    const show = await runCli(["config", "show", "--help"]);
    expect(show.stdout).toMatch(/-c, --config <file>\s+the YAML config file \(the file to read/);
    const validate = await runCli(["config", "validate", "--help"]);
    expect(validate.stdout).toMatch(/file\s+the YAML config file to check/);
  });
});
