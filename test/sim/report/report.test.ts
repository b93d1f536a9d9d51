import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { seriesCsv } from "../../../sim/report/csv.js";
import { metricByPolicy } from "../../../sim/report/stats.js";
import { markdownTable, textTable } from "../../../sim/report/table.js";
import { writeReport } from "../../../sim/report/write.js";
import type { RunResult } from "../../../sim/results.js";

function run(policy: string, seed: number, overprovisioningRatio: number, curve?: (number | null)[]): RunResult {
  return {
    scenario: "unit",
    policy,
    seed,
    metrics: { overprovisioningRatio, gpuHoursProvisioned: overprovisioningRatio * 100, isolationViolations: 0 },
    perTier: {},
    allocationByArrival: curve,
    series: { t: [0, 3600, 7200], provisionedGpus: [8, 10, 8], allocatedGpus: [6, 9, 6], usedGpus: [4, 7, 5] },
    wallSeconds: 0.01,
  };
}

const runs = [run("binpack", 1, 1.5), run("binpack", 2, 1.7), run("binpack", 3, 1.6), run("tierfit", 1, 1.1)];

describe("report", () => {
  let dir = "";
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("aggregates each policy's seeds to median and range", () => {
    const s = metricByPolicy({ runs }, "overprovisioningRatio").get("binpack")!;
    expect(s.median).toBeCloseTo(1.6);
    expect(s.min).toBe(1.5);
    expect(s.max).toBe(1.7);
  });

  it("prints aligned and Markdown tables with median (min–max)", () => {
    const text = textTable({ runs }, ["overprovisioningRatio"]);
    expect(text.split("\n")[2]).toMatch(/^binpack\s+1\.6 \(1\.5–1\.7\)$/);
    expect(text.split("\n")[3]).toMatch(/^tierfit\s+1\.1$/);
    expect(markdownTable({ runs }, ["overprovisioningRatio"])).toContain("| binpack | 1.6 (1.5–1.7) |");
  });

  it("writes the time series as CSV", () => {
    expect(seriesCsv(runs[0])).toBe(
      "t_seconds,provisioned_gpus,allocated_gpus,used_gpus\n0,8,6,4\n3600,10,9,7\n7200,8,6,5\n",
    );
  });

  it("writes summary.json without series, CSVs and a self-contained report.html with charts", () => {
    dir = mkdtempSync(join(tmpdir(), "tierfit-report-"));
    const curved = [run("fgd", 42, 1.2, [null, 0.5, 0.9]), run("bestfit", 42, 1.3, [null, 0.5, 0.8])];
    const { files } = writeReport(dir, "unit", "a unit test", [...runs, ...curved]);
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
    expect(summary.scenario).toBe("unit");
    expect(summary.runs).toHaveLength(6);
    expect(summary.runs[0]).toEqual({
      scenario: "unit",
      policy: "binpack",
      seed: 1,
      metrics: { overprovisioningRatio: 1.5, gpuHoursProvisioned: 150, isolationViolations: 0 },
      perTier: {},
      wallSeconds: 0.01,
    });
    expect(files.map((f) => f.slice(dir.length + 1)).sort()).toEqual([
      "allocation-by-arrival.csv",
      "report.html",
      "series-bestfit-seed42.csv",
      "series-binpack-seed1.csv",
      "series-binpack-seed2.csv",
      "series-binpack-seed3.csv",
      "series-fgd-seed42.csv",
      "series-tierfit-seed1.csv",
      "summary.json",
    ]);
    expect(readFileSync(join(dir, "allocation-by-arrival.csv"), "utf8")).toBe(
      "arrived_percent,fgd_seed42,bestfit_seed42\n0,,\n1,0.5,0.5\n2,0.9,0.8\n",
    );
    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect((html.match(/<svg/g) ?? []).length).toBe(2 + 3);
    expect(html).toContain("GPU allocation ratio vs arrived workload");
    expect(html).toContain("GPUs the load used");
    expect(html).toContain(">tierfit<");
  });
});
