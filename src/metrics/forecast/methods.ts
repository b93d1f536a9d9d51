/**
 * The candidate forecasting methods behind one shape, so the backtest can replay each from any
 * point in the history: `forecast(end, targetMs)` uses only the first `end` samples.
 */
import { bucketKeys, percentileOfPrefix } from "./decaying-histogram.js";
import { ewmaStates } from "./ewma.js";
import { fitHoltWinters, forecastRegular, seasonLength } from "./holt-winters.js";
import { medianSpacingMs, type SeriesPoint, toRegularSteps } from "./series.js";

export const FORECAST_METHODS = ["ewma", "percentile", "holt-winters"] as const;
/** Listed simplest first: on a tie the simpler method wins. */
export type ForecastMethod = (typeof FORECAST_METHODS)[number];

export interface MethodSettings {
  halfLifeSeconds: number;
  percentile: number;
  seasonSeconds?: number;
}

/** Forecast at `targetMs` from the samples `series[0..end)`. */
export type Forecaster = (end: number, targetMs: number) => number;

/**
 * Forecasters over one normalised series. EWMA and the percentile are level estimates: they
 * answer the same whatever the target time. Holt-Winters' smoothing factors are fitted once on
 * the whole history and reused from every origin: three factors chosen on one-step error leak
 * little, and refitting per origin would multiply the backtest's cost by the grid's 140 passes.
 */
export function buildForecasters(
  series: readonly SeriesPoint[],
  methods: readonly ForecastMethod[],
  settings: MethodSettings,
): Partial<Record<ForecastMethod, Forecaster>> {
  const forecasters: Partial<Record<ForecastMethod, Forecaster>> = {};
  for (const method of methods) {
    if (method === "ewma") {
      const states = ewmaStates(series, settings.halfLifeSeconds);
      forecasters.ewma = (end) => states[end - 1];
    } else if (method === "percentile") {
      const keys = bucketKeys(series);
      forecasters.percentile = (end) =>
        percentileOfPrefix(series, keys, end, settings.halfLifeSeconds, settings.percentile);
    } else {
      const stepMs = medianSpacingMs(series);
      const full = toRegularSteps(series, stepMs);
      const fit = fitHoltWinters(full, settings.seasonSeconds);
      // One sample per step (a regularly sampled history): every prefix's grid is the full grid's
      // prefix, so the backtest's origins need not lay the series out again.
      const onGrid = series.every((p, i) => Math.round((p.t - full.startMs) / full.stepMs) === i);
      forecasters["holt-winters"] = (end, targetMs) => {
        const regular =
          onGrid && end > 1 ? { ...full, values: full.values.slice(0, end) } : toRegularSteps(series, stepMs, end);
        return forecastRegular(
          regular,
          { ...fit, seasonLength: seasonLength(regular, settings.seasonSeconds) },
          targetMs,
        );
      };
    }
  }
  return forecasters;
}
