/**
 * Charts as standalone SVG, drawn by ECharts' server-side renderer: no browser, no DOM, the same
 * picture in report.html and in the README. A policy keeps one colour in every chart of a report.
 */
import * as echarts from "echarts";
import mathjs from "mathjs/lib/browser/math.js";
import type { RunResult } from "../results.js";
import { unitOf } from "./metric-definitions.js";
import { metricByPolicy, policiesOf } from "./stats.js";
import { formatNumber } from "./table.js";

type Option = echarts.EChartsCoreOption;

/** Tableau 10: distinct hues that survive print and most colour blindness. */
const PALETTE = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
];

export type Colours = ReadonlyMap<string, string>;

/** One colour per policy, in the order the policies ran. */
export function policyColours(runs: readonly Pick<RunResult, "policy">[]): Colours {
  return new Map(policiesOf({ runs }).map((p, i) => [p, PALETTE[i % PALETTE.length]]));
}

function renderSvg(option: Option, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  chart.setOption({ animation: false, backgroundColor: "#ffffff", textStyle: { fontFamily: "sans-serif" }, ...option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

/** At most `max` points: the largest value of each of `max` even slices, so peaks survive. */
function envelope(t: readonly number[], v: readonly number[], max: number): [number, number][] {
  if (t.length <= max) return t.map((x, i) => [x, v[i]]);
  const out: [number, number][] = [];
  const step = t.length / max;
  for (let b = 0; b < max; b++) {
    const from = Math.floor(b * step);
    const to = Math.floor((b + 1) * step);
    let top = v[from];
    for (let i = from + 1; i < to; i++) top = Math.max(top, v[i]);
    out.push([t[from], top]);
  }
  return out;
}

const PANEL_HEIGHT = 110;
const PANEL_GAP = 56;

/**
 * GPUs provisioned against GPUs the load needs over time, one panel per policy (its first seed),
 * on one scale, so the gap between the two lines is the overprovisioning.
 */
export function provisionedPanels(runs: readonly RunResult[], colours: Colours): string {
  const firstSeed = policiesOf({ runs }).map((p) => runs.find((r) => r.policy === p)!);
  const seconds = Math.max(1, ...firstSeed.map((r) => r.series.t[r.series.t.length - 1] ?? 0));
  const [unit, per] = seconds > 3 * 86_400 ? ["days", 86_400] : ["hours", 3_600];
  const at = (r: RunResult, v: readonly number[]) =>
    envelope(
      r.series.t.map((t) => Math.round((t / per) * 1000) / 1000),
      v,
      700,
    );
  const top = Math.max(1, ...firstSeed.flatMap((r) => [...r.series.provisionedGpus, ...r.series.usedGpus]));
  const seeds = [...new Set(firstSeed.map((r) => r.seed))].join(", ");
  const offset = (i: number) => 96 + i * (PANEL_HEIGHT + PANEL_GAP);
  const option: Option = {
    title: [
      {
        text: "GPUs provisioned (solid) against GPUs the load needs (dashed), over time",
        subtext: `one panel per policy, seed ${seeds}; each point is the most in its interval`,
        left: "center",
        textStyle: { fontSize: 15 },
      },
      ...firstSeed.map((r, i) => ({
        text: `${r.policy}: ${formatNumber(r.metrics.gpuHoursProvisioned ?? Number.NaN)} GPU-h provisioned`,
        left: 70,
        top: offset(i) - 24,
        textStyle: { fontSize: 12, color: colours.get(r.policy) },
      })),
    ],
    grid: firstSeed.map((_, i) => ({ left: 70, right: 30, top: offset(i), height: PANEL_HEIGHT })),
    xAxis: firstSeed.map((_, i) => ({
      type: "value",
      gridIndex: i,
      min: 0,
      max: seconds / per > 10 ? Math.ceil(seconds / per) : Math.ceil((10 * seconds) / per) / 10,
      name: i === firstSeed.length - 1 ? unit : "",
      nameLocation: "middle",
      nameGap: 24,
    })),
    yAxis: firstSeed.map((_, i) => ({
      type: "value",
      gridIndex: i,
      min: 0,
      max: Math.ceil(top / 10) * 10,
      splitNumber: 2,
    })),
    series: firstSeed.flatMap((r, i) => [
      {
        type: "line",
        xAxisIndex: i,
        yAxisIndex: i,
        showSymbol: false,
        step: "end",
        lineStyle: { width: 1.5, color: colours.get(r.policy) },
        areaStyle: { color: colours.get(r.policy), opacity: 0.15 },
        data: at(r, r.series.provisionedGpus),
      },
      {
        type: "line",
        xAxisIndex: i,
        yAxisIndex: i,
        showSymbol: false,
        lineStyle: { width: 1, type: "dashed", color: "#222" },
        data: at(r, r.series.usedGpus),
      },
    ]),
  };
  return renderSvg(option, 1000, offset(firstSeed.length) - PANEL_GAP + 50);
}

/**
 * One metric across policies: the median over seeds and a dot per seed. Medians far apart are
 * bars from zero; medians close together (all positive, the lowest at least half the highest)
 * are diamonds on an axis fitted to the data, where bars from zero would all look alike. Null
 * when the medians are all within 0.5 % of each other: such a chart tells nothing.
 */
export function metricChart(
  runs: readonly Pick<RunResult, "policy" | "metrics">[],
  metric: string,
  colours: Colours,
): string | null {
  const byPolicy = metricByPolicy({ runs }, metric);
  const policies = [...byPolicy.keys()].filter((p) => byPolicy.get(p)!.values.length > 0);
  const medians = policies.map((p) => byPolicy.get(p)!.median);
  if (medians.length === 0) return null;
  const lo = Math.min(...medians);
  const hi = Math.max(...medians);
  if (hi - lo <= 0.005 * Math.max(Math.abs(lo), Math.abs(hi))) return null;
  const bars = !(lo > 0 && lo >= 0.5 * hi);
  const unit = unitOf(metric);
  const median = {
    name: "median over seeds",
    data: policies.map((p, i) => ({
      value: bars ? medians[i] : [medians[i], i],
      itemStyle: { color: colours.get(p) },
    })),
    itemStyle: { color: "#9a9a9a" },
    z: 1,
  };
  return renderSvg(
    {
      title: { text: unit ? `${metric} (${unit})` : metric, left: "center", textStyle: { fontSize: 13 } },
      legend: {
        bottom: 0,
        itemWidth: 12,
        itemHeight: 8,
        textStyle: { fontSize: 11 },
        data: [
          { name: "median over seeds", icon: bars ? "rect" : "diamond" },
          { name: "one seed", icon: "circle" },
        ],
      },
      grid: { left: 10, right: 30, top: 40, bottom: 28, containLabel: true },
      yAxis: { type: "category", data: policies, inverse: true, axisLabel: { fontSize: 11 } },
      xAxis: { type: "value", scale: !bars, axisLabel: { fontSize: 10, hideOverlap: true } },
      series: [
        bars
          ? { ...median, type: "bar", barMaxWidth: 18 }
          : { ...median, type: "scatter", symbol: "diamond", symbolSize: 14 },
        {
          name: "one seed",
          type: "scatter",
          symbolSize: 6,
          z: 2,
          itemStyle: { color: "#222", opacity: 0.7 },
          data: policies.flatMap((p, i) => byPolicy.get(p)!.values.map((v) => [v, i])),
        },
      ],
    },
    530,
    90 + 26 * policies.length,
  );
}

/** The FGD paper's view: GPU allocation ratio against the workload that has arrived, median over seeds. */
export function allocationByArrivalChart(runs: readonly RunResult[], colours: Colours): string {
  const policies = policiesOf({ runs });
  const series = policies.map((policy) => {
    const curves = runs.filter((r) => r.policy === policy && r.allocationByArrival).map((r) => r.allocationByArrival!);
    const len = Math.max(0, ...curves.map((c) => c.length));
    const data: [number, number][] = [];
    for (let pct = 0; pct < len; pct++) {
      const vals = curves.map((c) => c[pct]).filter((v): v is number => v !== null && v !== undefined);
      if (vals.length > 0) data.push([pct, Math.round(Number(mathjs.median(vals)) * 1000) / 10]);
    }
    return {
      name: policy,
      type: "line",
      showSymbol: false,
      lineStyle: { width: 1.5 },
      color: colours.get(policy),
      data,
    };
  });
  const legendRows = Math.ceil(series.length / 5);
  return renderSvg(
    {
      title: { text: "GPU allocation ratio against arrived workload (median over seeds)", left: "center" },
      legend: { bottom: 0, type: "plain", width: 900, itemGap: 24 },
      grid: { left: 60, right: 30, top: 60, bottom: 30 + 24 * legendRows, containLabel: true },
      xAxis: {
        type: "value",
        name: "arrived GPU workload, % of capacity",
        nameLocation: "middle",
        nameGap: 28,
        max: "dataMax",
      },
      yAxis: { type: "value", name: "% of GPUs allocated", min: 50, max: 100 },
      series,
    },
    1000,
    400 + 24 * legendRows,
  );
}
