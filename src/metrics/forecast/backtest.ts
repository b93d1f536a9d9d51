/**
 * Rolling-origin backtest: each of the last few samples is forecast from the samples taken at
 * least one horizon before it, exactly as the method would have been asked at that time, and
 * scored by mean absolute error (in the series' own units, so it reads as "off by 3 requests/s"
 * and can be exported as a metric as is).
 */
import mathjs from "mathjs/lib/browser/math.js";
import type { Forecaster, ForecastMethod } from "./methods.js";
import type { SeriesPoint } from "./series.js";

/** Samples of history a backtest origin needs before it is worth scoring. */
export const MIN_HISTORY_POINTS = 3;

export interface BacktestTarget {
  /** Index of the sample being forecast. */
  readonly index: number;
  /** How many samples precede the origin, one horizon earlier. */
  readonly end: number;
}

/**
 * The last `count` samples that have at least MIN_HISTORY_POINTS samples taken at least
 * `horizonMs` before them (strictly before them when the horizon is 0).
 */
export function backtestTargets(series: readonly SeriesPoint[], count: number, horizonMs: number): BacktestTarget[] {
  const targets: BacktestTarget[] = [];
  let end = 0;
  for (let index = Math.max(0, series.length - count); index < series.length; index++) {
    const originMs = series[index].t - horizonMs;
    while (end < index && series[end].t <= originMs) end++;
    if (end >= MIN_HISTORY_POINTS) targets.push({ index, end });
  }
  return targets;
}

/** Mean absolute error of each forecaster over the targets (which must not be empty). */
export function backtestErrors(
  series: readonly SeriesPoint[],
  targets: readonly BacktestTarget[],
  forecasters: Partial<Record<ForecastMethod, Forecaster>>,
): Partial<Record<ForecastMethod, number>> {
  const errors: Partial<Record<ForecastMethod, number>> = {};
  for (const [method, forecast] of Object.entries(forecasters) as [ForecastMethod, Forecaster][]) {
    const absolute = targets.map(({ index, end }) => Math.abs(forecast(end, series[index].t) - series[index].v));
    errors[method] = Number(mathjs.mean(absolute));
  }
  return errors;
}
