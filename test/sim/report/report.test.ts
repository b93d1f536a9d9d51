import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { metricChart, policyColours } from "../../../sim/report/charts.js";
import { seriesCsv } from "../../../sim/report/csv.js";
import { withSavings } from "../../../sim/report/saving.js";
import { reportSections, sectionsText } from "../../../sim/report/sections.js";
import { metricByPolicy } from "../../../sim/report/stats.js";
import { formatNumber, markdownTable, policyTable, textTable } from "../../../sim/report/table.js";
import { writeReport } from "../../../sim/report/write.js";
import type { RunResult } from "../../../sim/results.js";
import type { ScenarioKind } from "../../../sim/scenario/schema.js";

const SERIES = { t: [0, 3600, 7200], provisionedGpus: [8, 10, 8], allocatedGpus: [6, 9, 6], usedGpus: [4, 7, 5] };

function run(policy: string, seed: number, metrics: Record<string, number>, extra: Partial<RunResult> = {}): RunResult {
  return { scenario: "unit", policy, seed, metrics, perTier: {}, series: SERIES, wallSeconds: 0.01, ...extra };
}

/** A timed run: GPU-hours, pods, isolation, two tiers. */
function timed(policy: string, seed: number, gpuHoursProvisioned: number, isolationViolations: number): RunResult {
  return run(
    policy,
    seed,
    {
      gpuHoursProvisioned,
      gpuHoursUsed: 100,
      overprovisioningRatio: gpuHoursProvisioned / 100,
      peakGpusProvisioned: 16,
      gpuAllocationRatio: 0.0023,
      fragmentationRate: 0.1,
      pendingSecondsP95: 30,
      failedPods: 2,
      isolationViolations,
      tierViolations: isolationViolations,
      sharingViolations: 0,
    },
    {
      perTier: {
        "shared-kernel": { gpuHoursProvisioned: gpuHoursProvisioned - 40, gpuHoursUsed: 80, gpuUtilisation: 0.5 },
        hypervisor: { gpuHoursProvisioned: 40, gpuHoursUsed: 20, gpuUtilisation: 0.5 },
        sandboxed: { gpuHoursProvisioned: 0, gpuHoursUsed: 0, gpuUtilisation: 0 },
      },
    },
  );
}

// kube-default 200 and 240 GPU-h on seeds 1 and 2, tierfit 150 and 180: tierfit saves 50 and 60
// GPU-h, 25 % of the baseline's on both seeds, so the median is 55 (50–60) and 25 %.
const TIMED = [
  timed("kube-default", 1, 200, 7),
  timed("kube-default", 2, 240, 9),
  timed("tierfit", 1, 150, 0),
  timed("tierfit", 2, 180, 0),
];

function fgd(policy: string, seed: number, unallocatedGpus: number, curve: (number | null)[]): RunResult {
  const metrics = {
    gpuAllocationRatio: 1 - unallocatedGpus / 1000,
    unallocatedGpus,
    fragmentationRate: 0.99,
    fragmentationRateAt100: 0.9,
    fragmentationAmountAt100: 0.05,
    failedPods: 3,
    isolationViolations: 0,
  };
  return run(policy, seed, metrics, { allocationByArrival: curve });
}

// kube-default leaves 60 GPUs unallocated, tierfit 45: 15 GPUs saved, 25 % of 60.
const FGD = [fgd("kube-default", 42, 60, [null, 0.5, 0.9]), fgd("tierfit", 42, 45, [null, 0.5, 0.95])];

function written(kind: ScenarioKind, runs: readonly RunResult[]) {
  const dir = mkdtempSync(join(tmpdir(), "tierfit-report-"));
  const { files, summary } = writeReport(
    dir,
    { scenario: "unit", description: "a unit test", kind },
    withSavings(kind, runs),
  );
  return { dir, files, summary, html: readFileSync(join(dir, "report.html"), "utf8") };
}

/** The metric names of every table on the page, in order. */
const htmlMetrics = (html: string) => [...html.matchAll(/data-metric="([^"]+)"/g)].map((m) => m[1]);
const section = (html: string, id: string) =>
  html.slice(html.indexOf(`<section id="${id}">`), html.indexOf("</section>", html.indexOf(`<section id="${id}">`)));

describe("report", () => {
  let dir = "";
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("aggregates each policy's seeds to median and range", () => {
    const s = metricByPolicy({ runs: TIMED }, "gpuHoursProvisioned").get("kube-default")!;
    expect(s.median).toBe(220);
    expect([s.min, s.max]).toEqual([200, 240]);
  });

  it("prints aligned and Markdown tables: names, units, median (min–max)", () => {
    const table = policyTable(TIMED, ["gpuHoursProvisioned", "failedPods"]);
    expect(textTable(table).split("\n")).toEqual([
      "policy        gpuHoursProvisioned  failedPods",
      "                          [GPU-h]      [pods]",
      "------------  -------------------  ----------",
      "kube-default        220 (200–240)           2",
      "tierfit             165 (150–180)           2",
    ]);
    expect(markdownTable(table).split("\n")[0]).toBe(
      "| policy       | gpuHoursProvisioned (GPU-h) | failedPods (pods) |",
    );
    expect(markdownTable(table)).toContain("| tierfit      |               165 (150–180) |                 2 |");
  });

  it("adds each run's saving against the same seed's baseline run", () => {
    const saved = withSavings("synthetic", TIMED).map((r) => [
      r.policy,
      r.seed,
      r.metrics.gpuHoursSaved,
      r.metrics.gpuHoursSavedPercent,
    ]);
    expect(saved).toEqual([
      ["kube-default", 1, 0, 0],
      ["kube-default", 2, 0, 0],
      ["tierfit", 1, 50, 25],
      ["tierfit", 2, 60, 25],
    ]);
    // No baseline among the runs: no saving, and the report says why.
    const alone = TIMED.filter((r) => r.policy === "tierfit");
    expect(withSavings("synthetic", alone)[0].metrics).not.toHaveProperty("gpuHoursSaved");
    expect(reportSections("synthetic", alone).saving?.lead).toBe(
      "No saving shown: the baseline, kube-default, was not among the policies run.",
    );
  });

  it("the terminal says the headline first, then results, isolation, per tier, and what a cell is", () => {
    const text = sectionsText(reportSections("synthetic", withSavings("synthetic", TIMED)));
    expect(text.split("\n")[0]).toBe(
      "tierfit saves the most: 55 fewer GPU-hours provisioned than kube-default (kube-scheduler's default scoring), 25 % (median).",
    );
    const order = [
      "gpuHoursSaved",
      "Results\n",
      "Isolation\n",
      "Per tier\n",
      "Each cell: median (min–max) over 2 seeds (1, 2)",
    ];
    const at = order.map((s) => text.indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(text).toMatch(/^tierfit\s+55 \(50–60\)\s+25$/m);
    // A tier nothing ran on is left out.
    expect(text).not.toContain("sandboxed");
    expect(text).toMatch(/^tierfit\s+hypervisor\s+40\s+20\s+0\.5$/m);
  });

  it("report.html opens with the saving, then results, isolation and per-tier tables, under summary.json's names", () => {
    const r = written("synthetic", TIMED);
    dir = r.dir;
    const ids = [...r.html.matchAll(/<section id="([^"]+)">/g)].map((m) => m[1]);
    expect(ids).toEqual(["headline", "results", "isolation", "per-tier", "metrics", "charts"]);
    expect(section(r.html, "headline")).toContain(
      "tierfit saves the most: 55 fewer GPU-hours provisioned than kube-default",
    );
    expect(section(r.html, "headline")).toContain("<td>55 (50–60)</td>");
    expect(htmlMetrics(section(r.html, "isolation"))).toEqual([
      "isolationViolations",
      "tierViolations",
      "sharingViolations",
    ]);
    expect(htmlMetrics(section(r.html, "per-tier"))).toEqual(["gpuHoursProvisioned", "gpuHoursUsed", "gpuUtilisation"]);
    expect(section(r.html, "per-tier")).toContain("<th>hypervisor</th>");
    expect(section(r.html, "results")).toContain('data-metric="failedPods"');
    // Every name on the page is one summary.json carries, per run or per tier.
    const summaryNames = new Set(
      r.summary.runs.flatMap((x) => [...Object.keys(x.metrics), ...Object.values(x.perTier).flatMap(Object.keys)]),
    );
    for (const name of htmlMetrics(r.html)) expect(summaryNames).toContain(name);
    expect(r.summary.baseline).toBe("kube-default");
    expect(r.summary.kind).toBe("synthetic");
    expect(r.summary.runs[2].metrics.gpuHoursSaved).toBe(50);
    expect(r.html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    // Time chart (one panel per policy) and a bar chart per metric that differs between policies.
    expect(r.html).toContain("GPUs provisioned (solid) against GPUs the load needs (dashed)");
    expect(r.html).toContain("one seed");
  });

  it("shows a metric only where it means something: no allocation ratio for an autoscaled pool, no time for the FGD replay", () => {
    const timedHtml = written("openb-timed", TIMED);
    dir = timedHtml.dir;
    expect(htmlMetrics(timedHtml.html)).not.toContain("gpuAllocationRatio");
    rmSync(dir, { recursive: true, force: true });

    const r = written("openb-fgd", FGD);
    dir = r.dir;
    expect(r.html).not.toContain("GPUs the load needs");
    expect(r.html).toContain("GPU allocation ratio against arrived workload");
    expect(htmlMetrics(section(r.html, "results"))).toEqual([
      "gpuAllocationRatio",
      "unallocatedGpus",
      "fragmentationRateAt100",
      "fragmentationAmountAt100",
      "failedPods",
    ]);
    expect(section(r.html, "headline")).toContain(
      "tierfit saves the most: 15 fewer GPUs left unallocated than kube-default",
    );
    expect(section(r.html, "headline")).toContain("<td>25</td>");
    expect(r.html).not.toContain('id="per-tier"');
    expect(r.files.map((f) => f.slice(r.dir.length + 1)).sort()).toEqual([
      "allocation-by-arrival.csv",
      "report.html",
      "series-kube-default-seed42.csv",
      "series-tierfit-seed42.csv",
      "summary.json",
    ]);
    expect(readFileSync(join(dir, "allocation-by-arrival.csv"), "utf8")).toBe(
      "arrived_percent,kube-default_seed42,tierfit_seed42\n0,,\n1,0.5,0.5\n2,0.9,0.95\n",
    );
  });

  it("draws no chart for a metric every policy has alike; keeps one colour per policy", () => {
    const colours = policyColours(TIMED);
    expect(metricChart(TIMED, "gpuHoursUsed", colours)).toBeNull();
    const svg = metricChart(TIMED, "gpuHoursProvisioned", colours)!;
    expect(svg).toContain("gpuHoursProvisioned (GPU-h)");
    expect(svg).toContain("median over seeds");
    expect(svg).toContain(colours.get("tierfit"));
    expect(new Set(colours.values()).size).toBe(2);
  });

  it("formats numbers to the digits that tell policies apart", () => {
    // Four decimals below 1, three below 10: 0.9604 and 0.9601 stay apart (both read 0.96 at three).
    expect([0.96044, 0.96012, 0.954, 0.07045, 1.0896, 6.3567].map(formatNumber)).toEqual([
      "0.9604",
      "0.9601",
      "0.954",
      "0.0705",
      "1.09",
      "6.357",
    ]);
    expect([0.004, 32.54, 56222.4, 4.8e-17, Number.NaN].map(formatNumber)).toEqual([
      "4.0e-3",
      "32.5",
      "56,222",
      "0",
      "–",
    ]);
  });

  it("writes the time series as CSV", () => {
    expect(seriesCsv(TIMED[0])).toBe(
      "t_seconds,provisioned_gpus,allocated_gpus,used_gpus\n0,8,6,4\n3600,10,9,7\n7200,8,6,5\n",
    );
  });
});
