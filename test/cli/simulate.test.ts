import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TINY_SCENARIO_PATH } from "../sim/sweep/support.js";
import { runCli, STACK_LINE } from "./run-cli.js";

interface SummaryJson {
  scenario: string;
  description: string;
  runs: { policy: string; seed: number; metrics: Record<string, number>; wallSeconds: number }[];
}

const readSummary = (dir: string): SummaryJson => JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
/** A run's own figures: without wall time, and without the saving, which depends on which other policies ran. */
const meaning = (s: SummaryJson) =>
  s.runs.map(({ wallSeconds: _w, metrics: { gpuHoursSaved: _s, gpuHoursSavedPercent: _p, ...own }, ...rest }) => ({
    ...rest,
    metrics: own,
  }));

describe("tierfit simulate", () => {
  let dir = "";
  let whole: SummaryJson;
  let wholeRun: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tierfit-simulate-"));
    wholeRun = await runCli(["simulate", "--scenario", TINY_SCENARIO_PATH, "--out", join(dir, "whole")]);
    whole = readSummary(join(dir, "whole"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs every policy × seed and writes summary.json with camelCase metrics", () => {
    expect(wholeRun.code).toBe(0);
    expect(Object.keys(whole)).toEqual(["scenario", "description", "kind", "baseline", "runs"]);
    expect(whole.scenario).toBe("tiny-synthetic");
    expect(whole.runs.map((r) => `${r.policy}/${r.seed}`)).toEqual([
      "kube-default/1",
      "kube-default/2",
      "kube-default/3",
      "tierfit/1",
      "tierfit/2",
      "tierfit/3",
    ]);
    for (const run of whole.runs) {
      expect(Object.keys(run.metrics)).toEqual(
        expect.arrayContaining(["overprovisioningRatio", "placedPods", "isolationViolations"]),
      );
      for (const name of Object.keys(run.metrics)) expect(name).toMatch(/^[a-z][a-zA-Z0-9]*$/);
      expect(run.metrics.placedPods).toBeGreaterThan(0);
    }
    // tierfit keeps tenants apart on shared-kernel nodes; kube-default does not know about tenants.
    expect(whole.runs.filter((r) => r.policy === "tierfit").every((r) => r.metrics.isolationViolations === 0)).toBe(
      true,
    );
    expect(whole.runs.some((r) => r.policy === "kube-default" && r.metrics.isolationViolations > 0)).toBe(true);
  });

  it("prints the saving, the results, isolation and per-tier tables, what a cell is, then the paths written", () => {
    const lines = wholeRun.stdout.split("\n");
    // On this tiny cluster tierfit and kube-default provision alike; the headline says so.
    expect(lines[0]).toMatch(/^(tierfit saves the most|No policy has fewer GPU-hours).* kube-default /);
    const results = lines.indexOf("Results");
    expect(lines[results + 1]).toMatch(
      /^policy\s+gpuHoursProvisioned\s+overprovisioningRatio\s+fragmentationRate\s+pendingSecondsP95\s+failedPods$/,
    );
    expect(lines[results + 2]).toMatch(/^\s+\[GPU-h\]\s+\[×\]\s+\[0–1\]\s+\[s\]\s+\[pods\]$/);
    expect(lines[results + 4]).toMatch(/^kube-default\s+\d/);
    expect(lines[results + 5]).toMatch(/^tierfit\s+\d/);
    expect(lines).toContain("Isolation");
    expect(lines).toContain("Each cell: median (min–max) over 3 seeds (1, 2, 3); one value where the seeds agree.");
    const out = join(dir, "whole");
    expect(wholeRun.stdout).toContain(
      `wrote:\n  ${join(out, "summary.json")}\n  ${join(out, "report.html")}\n  ${join(out, "series-*.csv")} (6 files)\n`,
    );
    expect(readdirSync(out).filter((f) => f.endsWith(".csv"))).toHaveLength(6);
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain("<svg");
    expect(wholeRun.stderr).toContain("simulate: [6/6] tierfit seed 3 done in");
  });

  it("names each metric alike in the terminal, report.html and summary.json", () => {
    const tableHeads = wholeRun.stdout.split("\n").filter((l) => l.startsWith("policy "));
    const printed = tableHeads.flatMap((l) => l.split(/\s+/).filter((w) => w !== "policy" && w !== "tier"));
    const html = readFileSync(join(dir, "whole", "report.html"), "utf8");
    const onPage = [...html.matchAll(/data-metric="([^"]+)"/g)].map((m) => m[1]);
    expect(printed).toEqual(onPage);
    expect(printed).toEqual(expect.arrayContaining(["gpuHoursSaved", "gpuHoursProvisioned", "isolationViolations"]));
    const inSummary = new Set(whole.runs.flatMap((r) => Object.keys(r.metrics)));
    for (const name of printed.filter((n) => n !== "gpuUtilisation" && n !== "gpuHoursUsed"))
      expect(inSummary).toContain(name);
  });

  it("runs only the --policies and --seeds asked for", async () => {
    const out = join(dir, "subset");
    const r = await runCli([
      "simulate",
      TINY_SCENARIO_PATH,
      "--policies",
      "tierfit",
      "--seeds",
      "3,1",
      "--out",
      out,
      "--quiet",
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const runs = readSummary(out).runs;
    expect(runs.map((x) => `${x.policy}/${x.seed}`)).toEqual(["tierfit/3", "tierfit/1"]);
    expect(meaning({ ...whole, runs })).toEqual(meaning({ ...whole, runs: [whole.runs[5], whole.runs[3]] }));
  });

  it("writes shard files that merge into the unsharded sweep's summary", async () => {
    const shards = join(dir, "shards");
    for (const i of [0, 1, 2]) {
      const r = await runCli([
        "simulate",
        "--scenario",
        TINY_SCENARIO_PATH,
        "--shard",
        `${i}/3`,
        "--out",
        shards,
        "--quiet",
      ]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`wrote:\n  ${join(shards, `shard-${i}-of-3.json`)}\n`);
    }
    const merged = join(dir, "merged");
    const m = await runCli(["simulate", "merge", shards, "--out", merged]);
    expect(m.code).toBe(0);
    expect(m.stdout).toMatch(/^merged 6 run\(s\) of tiny-synthetic from 3 shard\(s\)/);
    expect(meaning(readSummary(merged))).toEqual(meaning(whole));
    expect(readSummary(merged).description).toBe(whole.description);
  });

  it("refuses to merge when a shard is missing, naming the runs", async () => {
    const partial = join(dir, "partial");
    await runCli(["simulate", TINY_SCENARIO_PATH, "--shard", "0/2", "--out", partial, "--quiet"]);
    const r = await runCli(["simulate", "merge", partial]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "tierfit: cannot merge the shards (1 problem):\n  3 runs missing: kube-default seed 2 (shard 1 of 2), tierfit seed 1 (shard 1 of 2), tierfit seed 3 (shard 1 of 2)\n",
    );
    expect(existsSync(join(partial, "summary.json"))).toBe(false);
  });

  it.each([
    [
      ["--policies", "tierfit,fastest"],
      /^tierfit: --policies: unknown policy "fastest" \(known policies: kube-default, .*tierfit.*\)\n$/,
    ],
    [["--seeds", "two"], /^tierfit: --seeds: "two" is not a whole number ≥ 0\n$/],
    [["--seeds", "0"], /^tierfit: --seeds 0: a seed count must be at least 1\n$/],
    [["--shard", "3/3"], /^tierfit: --shard 3\/3: the index counts from 0, so for 3 shard\(s\) it must be 0\.\.2\n$/],
    [["--shard", "first"], /^tierfit: --shard "first" is not of the form i\/n/],
    [["--workers", "0"], /^tierfit: --workers "0": expected a whole number of threads ≥ 1\n$/],
  ])("fails in one line, without a stack trace, on %j", async (args, message) => {
    const r = await runCli(["simulate", "--scenario", TINY_SCENARIO_PATH, "--out", join(dir, "never"), ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.stdout).toBe("");
    expect(existsSync(join(dir, "never"))).toBe(false);
  });

  it("names the run whose data turns out bad, in one line", async () => {
    const scenario = join(TINY_SCENARIO_PATH, "..", "bad-trace", "scenario.yaml");
    const r = await runCli(["simulate", scenario, "--out", join(dir, "bad"), "--quiet"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^tierfit: run kube-default seed 1 failed: .*pods\.csv:3: column cpu_milli: expected an integer 0 or more, found "lots"\n$/,
    );
    expect(existsSync(join(dir, "bad"))).toBe(false);
  });

  it("names a scenario file that does not exist", async () => {
    const r = await runCli(["simulate", "--scenario", join(dir, "missing.yaml")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`tierfit: cannot read scenario file ${join(dir, "missing.yaml")}: no such file\n`);
  });
});
