/**
 * One forecast per series: every candidate method is backtested on the recent past and the one
 * with the smallest error answers. No single method suits every model's traffic: a steady
 * service is best served by an EWMA, a growing one by a trend, a chat product by its daily cycle.
 */
import { backtestErrors, backtestTargets, MIN_HISTORY_POINTS } from "./backtest.js";
import { buildForecasters, FORECAST_METHODS, type ForecastMethod } from "./methods.js";
import { normaliseSeries, type SeriesPoint } from "./series.js";

export interface ForecastOptions {
  /** How far after the last sample to forecast. */
  horizonSeconds: number;
  /** Half-life of the EWMA and of the decaying histogram's sample weights. */
  halfLifeSeconds: number;
  /** 0..1, default 0.9 (as the Vertical Pod Autoscaler recommends from a decaying histogram). */
  percentile?: number;
  /** e.g. 86400 for a daily season; Holt-Winters uses it when history covers at least 2 seasons. */
  seasonSeconds?: number;
  /** Candidate methods, default all. */
  methods?: readonly ForecastMethod[];
  /**
   * Size of the recent window the methods are judged on; default the last 20 % of samples, at
   * least 5. Each window sample replays the methods over the history before it, so the cost is
   * history × window (about 1 s for 10,000 samples at the default): bound it for long histories.
   */
  backtestPoints?: number;
}

export interface Forecast {
  /** The chosen method's forecast at the horizon. */
  value: number;
  method: ForecastMethod;
  /** The chosen method's mean absolute backtest error, in the series' units. */
  backtestError: number;
  /** Every candidate's backtest error, for export as a metric. */
  errors: Partial<Record<ForecastMethod, number>>;
  /** Every candidate's forecast at the horizon. */
  forecasts: Partial<Record<ForecastMethod, number>>;
}

/** Fewer distinct samples than this and forecastSeries returns null. */
export const MIN_FORECAST_POINTS = 8;
/** Fewer scorable backtest targets than this and forecastSeries returns null. */
export const MIN_BACKTEST_TARGETS = 3;
export const DEFAULT_PERCENTILE = 0.9;

function checkOptions(opts: ForecastOptions): void {
  if (!(opts.horizonSeconds >= 0)) throw new RangeError(`horizonSeconds must be >= 0, got ${opts.horizonSeconds}`);
  if (!(opts.halfLifeSeconds > 0)) throw new RangeError(`halfLifeSeconds must be > 0, got ${opts.halfLifeSeconds}`);
  const p = opts.percentile ?? DEFAULT_PERCENTILE;
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile must be within 0..1, got ${p}`);
  if (opts.methods !== undefined && opts.methods.length === 0) throw new RangeError("methods must not be empty");
}

/**
 * Forecast of the series `horizonSeconds` after its last sample, by the method with the lowest
 * backtest error (ties go to the simpler method). Returns null when it cannot be judged:
 * fewer than MIN_FORECAST_POINTS (8) distinct finite samples, or fewer than
 * MIN_BACKTEST_TARGETS (3) samples in the backtest window with MIN_HISTORY_POINTS (3) samples
 * taken at least one horizon before them (a horizon longer than the history, say).
 */
export function forecastSeries(points: readonly SeriesPoint[], opts: ForecastOptions): Forecast | null {
  checkOptions(opts);
  const series = normaliseSeries(points);
  if (series.length < MIN_FORECAST_POINTS) return null;
  const horizonMs = opts.horizonSeconds * 1000;
  const window = opts.backtestPoints ?? Math.max(5, Math.round(series.length * 0.2));
  const targets = backtestTargets(series, Math.min(window, series.length - MIN_HISTORY_POINTS), horizonMs);
  if (targets.length < MIN_BACKTEST_TARGETS) return null;

  const methods = FORECAST_METHODS.filter((m) => (opts.methods ?? FORECAST_METHODS).includes(m));
  const forecasters = buildForecasters(series, methods, {
    halfLifeSeconds: opts.halfLifeSeconds,
    percentile: opts.percentile ?? DEFAULT_PERCENTILE,
    seasonSeconds: opts.seasonSeconds,
  });
  const errors = backtestErrors(series, targets, forecasters);

  // A method must beat the simpler ones by more than rounding noise to be chosen.
  const scale = targets.reduce((sum, { index }) => sum + Math.abs(series[index].v), 0) / targets.length;
  const tolerance = 1e-9 * Math.max(1, scale);
  let method = methods[0];
  for (const m of methods) if (errors[m]! < errors[method]! - tolerance) method = m;

  const targetMs = series[series.length - 1].t + horizonMs;
  const forecasts: Partial<Record<ForecastMethod, number>> = {};
  for (const m of methods) forecasts[m] = forecasters[m]!(series.length, targetMs);
  return { value: forecasts[method]!, method, backtestError: errors[method]!, errors, forecasts };
}
