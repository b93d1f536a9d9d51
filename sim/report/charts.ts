/**
 * Charts as standalone SVG, drawn by ECharts' server-side renderer: no browser, no DOM, the same
 * picture in report.html and in the README.
 */
import * as echarts from "echarts";
import mathjs from "mathjs/lib/browser/math.js";
import type { RunResult, SimulationSummary } from "../results.js";
import { metricByPolicy, policiesOf } from "./stats.js";

type Option = echarts.EChartsCoreOption;

function renderSvg(option: Option, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  chart.setOption({ animation: false, backgroundColor: "#ffffff", textStyle: { fontFamily: "sans-serif" }, ...option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

/** Keeps a line chart light: at most `max` points, evenly picked. */
function thin<T>(xs: readonly T[], max: number): T[] {
  if (xs.length <= max) return [...xs];
  const step = xs.length / max;
  return Array.from({ length: max }, (_, i) => xs[Math.floor(i * step)]);
}

/** GPUs provisioned per policy over time, against the GPUs the workload actually used (first seed of each policy). */
export function provisionedVsUsedChart(runs: readonly RunResult[], title: string): string {
  const firstSeed = policiesOf({ runs }).map((p) => runs.find((r) => r.policy === p)!);
  const hours = (t: number) => Math.round((t / 3600) * 100) / 100;
  const series: object[] = firstSeed.map((run) => ({
    name: run.policy,
    type: "line",
    showSymbol: false,
    step: "end",
    data: thin(
      run.series.t.map((t, i) => [hours(t), run.series.provisionedGpus[i]]),
      600,
    ),
  }));
  const demand = firstSeed[0];
  if (demand) {
    series.push({
      name: "GPUs the load used",
      type: "line",
      showSymbol: false,
      lineStyle: { type: "dashed", width: 2, color: "#222" },
      itemStyle: { color: "#222" },
      data: thin(
        demand.series.t.map((t, i) => [hours(t), demand.series.usedGpus[i]]),
        600,
      ),
    });
  }
  return renderSvg(
    {
      title: { text: title, left: "center" },
      // A static SVG cannot page a scrolling legend: a plain one wraps onto more rows instead.
      legend: { bottom: 0, type: "plain", width: 780, itemGap: 24 },
      grid: { left: 60, right: 20, top: 64, bottom: 30 + 24 * Math.ceil(series.length / 3), containLabel: true },
      xAxis: { type: "value", name: "hours", nameLocation: "middle", nameGap: 25 },
      yAxis: { type: "value", name: "GPUs provisioned" },
      series,
    },
    820,
    400 + 24 * Math.ceil(series.length / 3),
  );
}

/** One metric across policies: a bar at the median over seeds, a dot per seed so the spread shows. */
export function metricChart(summary: Pick<SimulationSummary, "runs">, metric: string, label: string): string {
  const byPolicy = metricByPolicy(summary, metric);
  const policies = [...byPolicy.keys()];
  const points = policies.flatMap((p, i) => byPolicy.get(p)!.values.map((v) => [i, v]));
  return renderSvg(
    {
      title: { text: label, left: "center", textStyle: { fontSize: 14 } },
      grid: { left: 70, right: 20, top: 40, bottom: 10, containLabel: true },
      xAxis: { type: "category", data: policies, axisLabel: { rotate: 20, interval: 0, fontSize: 11 } },
      yAxis: { type: "value", scale: false },
      series: [
        {
          name: "median",
          type: "bar",
          data: policies.map((p) => byPolicy.get(p)!.median),
          itemStyle: { color: "#5470c6" },
          label: { show: true, position: "top", formatter: (p: { value: number }) => formatNumber(p.value) },
        },
        { name: "seeds", type: "scatter", data: points, symbolSize: 5, itemStyle: { color: "#ee6666" } },
      ],
    },
    440,
    340,
  );
}

/** The FGD paper's view: GPU allocation ratio against the workload that has arrived, median over seeds. */
export function allocationByArrivalChart(runs: readonly RunResult[]): string {
  const policies = policiesOf({ runs });
  const series = policies.map((policy) => {
    const curves = runs.filter((r) => r.policy === policy && r.allocationByArrival).map((r) => r.allocationByArrival!);
    const len = Math.max(0, ...curves.map((c) => c.length));
    const data: [number, number][] = [];
    for (let pct = 0; pct < len; pct++) {
      const vals = curves.map((c) => c[pct]).filter((v): v is number => v !== null && v !== undefined);
      if (vals.length > 0) data.push([pct, Math.round(Number(mathjs.median(vals)) * 1000) / 10]);
    }
    return { name: policy, type: "line", showSymbol: false, data };
  });
  return renderSvg(
    {
      title: { text: "GPU allocation ratio vs arrived workload (median over seeds)", left: "center" },
      legend: { bottom: 0, type: "plain", width: 780, itemGap: 24 },
      grid: { left: 60, right: 20, top: 64, bottom: 30 + 24 * Math.ceil(series.length / 5), containLabel: true },
      xAxis: { type: "value", name: "arrived GPU workload, % of capacity", nameLocation: "middle", nameGap: 25 },
      yAxis: { type: "value", name: "% of GPUs allocated", min: 50, max: 100 },
      series,
    },
    820,
    400 + 24 * Math.ceil(series.length / 5),
  );
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return "–";
  const a = Math.abs(v);
  if (a !== 0 && a < 0.01) return v.toExponential(1);
  if (a < 10) return (Math.round(v * 1000) / 1000).toString();
  if (a < 1000) return (Math.round(v * 10) / 10).toString();
  return Math.round(v).toLocaleString("en-US");
}
