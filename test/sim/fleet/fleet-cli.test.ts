/** The fleet kind through the CLI: a sweep prints the saving against kube-default+reactive, and shards merge into the same summary. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/run-cli.js";

const SCENARIO = "test/fixtures/fleet/tiny-fleet.yaml";
const runsOf = (dir: string) =>
  (JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")).runs as { wallSeconds: number }[]).map(
    ({ wallSeconds: _w, ...rest }) => rest,
  );

describe("tierfit simulate on a fleet scenario", () => {
  const dir = mkdtempSync(join(tmpdir(), "tierfit-fleet-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints the fleet's table with the saving against kube-default+reactive, and --shard merges back to it", async () => {
    const whole = await runCli(["simulate", SCENARIO, "--out", join(dir, "whole"), "--quiet"]);
    expect(whole.code).toBe(0);
    expect(whole.stdout).toMatch(
      /\nResults\npolicy +gpuHoursProvisioned +gpuHoursUsed +peakGpusProvisioned +sloViolationFraction +coldStarts\n/,
    );
    expect(whole.stdout).toMatch(/\npolicy +gpuHoursSaved +gpuHoursSavedPercent\n/);
    expect(whole.stdout).toMatch(/\ntierfit\+forecast +-?[\d.,]+/);
    expect(whole.stdout).toMatch(
      /^(\S+ saves the most|No policy has fewer GPU-hours provisioned).* kube-default\+reactive /,
    );
    for (const shard of ["0/2", "1/2"]) {
      const r = await runCli(["simulate", SCENARIO, "--shard", shard, "--out", join(dir, "shards"), "--quiet"]);
      expect(r.code).toBe(0);
    }
    const merged = await runCli(["simulate", "merge", join(dir, "shards"), "--out", join(dir, "merged")]);
    expect(merged.code).toBe(0);
    expect(merged.stdout).toContain("than kube-default+reactive");
    expect(runsOf(join(dir, "whole"))[0]).toHaveProperty("metrics.gpuHoursSaved", 0);
    expect(runsOf(join(dir, "merged"))).toEqual(runsOf(join(dir, "whole")));
    expect(readFileSync(join(dir, "whole", "report.html"), "utf8")).toContain(
      '<section id="headline"><h2>Saving against kube-default+reactive</h2>',
    );
  });
});
