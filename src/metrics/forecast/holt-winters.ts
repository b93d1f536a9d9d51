/**
 * Holt-Winters exponential smoothing: a level, a trend and (when the history covers at least
 * two seasons) an additive season, each updated once per regular step. Additive because demand
 * swings by roughly the same requests/s at night and by day; a multiplicative season would blow
 * up near zero traffic.
 *
 * Samples are first laid on a regular grid of the median spacing (see `toRegularSteps`), since
 * the recurrences assume one value per step. Smoothing factors the caller leaves out are fitted
 * by minimising the one-step-ahead squared error over a small grid: at most 140 passes over
 * the series, cheaper and more predictable than a numerical optimiser.
 */
import { normaliseSeries, type RegularSeries, type SeriesPoint, toRegularSteps } from "./series.js";

export interface HoltWintersParams {
  /** Level smoothing, 0..1. */
  alpha: number;
  /** Trend smoothing, 0..1. */
  beta: number;
  /** Season smoothing, 0..1; unused without a season. */
  gamma: number;
}

export interface HoltWintersOptions extends Partial<HoltWintersParams> {
  horizonSeconds: number;
  /** Season length, e.g. 86400 for daily; used only when the history covers two seasons. */
  seasonSeconds?: number;
  /** Grid step; default the median spacing of the samples. */
  stepSeconds?: number;
}

export interface HoltWintersFit extends HoltWintersParams {
  /** Steps per season, 0 when no season is modelled. */
  seasonLength: number;
  /** Sum of squared one-step-ahead errors over the grid. */
  sse: number;
}

const ALPHAS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9];
const BETAS = [0.01, 0.05, 0.1, 0.2, 0.4];
const GAMMAS = [0.05, 0.1, 0.2, 0.4];
/** Points the non-seasonal start-up trend is fitted on: a few, so one noisy pair cannot set it. */
const TREND_START_POINTS = 10;

interface State {
  level: number;
  trend: number;
  season: Float64Array | null;
}

/** Steps per season when the series covers at least two of them, else 0 (no season). */
export function seasonLength(regular: RegularSeries, seasonSeconds: number | undefined): number {
  if (seasonSeconds === undefined || !(seasonSeconds > 0)) return 0;
  const m = Math.round((seasonSeconds * 1000) / regular.stepMs);
  return m >= 2 && regular.values.length >= 2 * m ? m : 0;
}

/** Mean of x[from..to): a plain loop, as the backtest asks at every origin (no slice, no mathjs dispatch). */
function meanOf(x: ArrayLike<number>, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i];
  return sum / (to - from);
}

/**
 * State just before the first value. With a season: level and trend from the means of the first
 * two seasons, season terms from both seasons' deviations around that line (centred on zero).
 * Without: a least-squares line through the first few values.
 */
function initialState(x: readonly number[], m: number): State {
  if (m > 0) {
    const mean1 = meanOf(x, 0, m);
    const mean2 = meanOf(x, m, 2 * m);
    const trend = (mean2 - mean1) / m;
    const line = (i: number) => mean1 + trend * (i - (m - 1) / 2);
    const season = new Float64Array(m);
    for (let j = 0; j < m; j++) season[j] = (x[j] - line(j) + x[j + m] - line(j + m)) / 2;
    const offset = meanOf(season, 0, m);
    for (let j = 0; j < m; j++) season[j] -= offset;
    return { level: line(-1), trend, season };
  }
  const k = Math.min(x.length, TREND_START_POINTS);
  const meanI = (k - 1) / 2;
  const meanX = meanOf(x, 0, k);
  let num = 0;
  let den = 0;
  for (let i = 0; i < k; i++) {
    num += (i - meanI) * (x[i] - meanX);
    den += (i - meanI) ** 2;
  }
  const trend = den > 0 ? num / den : 0;
  return { level: meanX - trend * meanI - trend, trend, season: null };
}

/**
 * Runs the recurrences over every value from `start` (initialState's, which depends on the data
 * only: computed once per fit, not once per grid point); returns the final state and the one-step SSE.
 */
function run(x: readonly number[], m: number, p: HoltWintersParams, start: State): State & { sse: number } {
  const { alpha, beta, gamma } = p;
  let { level, trend } = start;
  const season = start.season === null ? null : start.season.slice();
  let sse = 0;
  for (let t = 0; t < x.length; t++) {
    const s = season === null ? 0 : season[t % m];
    const error = x[t] - (level + trend + s);
    sse += error * error;
    const nextLevel = alpha * (x[t] - s) + (1 - alpha) * (level + trend);
    trend = beta * (nextLevel - level) + (1 - beta) * trend;
    level = nextLevel;
    if (season !== null) season[t % m] = gamma * (x[t] - level) + (1 - gamma) * s;
  }
  return { level, trend, season, sse };
}

/** Fits the smoothing factors not given in `fixed` on a regular series. */
export function fitHoltWinters(
  regular: RegularSeries,
  seasonSeconds?: number,
  fixed: Partial<HoltWintersParams> = {},
): HoltWintersFit {
  const m = seasonLength(regular, seasonSeconds);
  const alphas = fixed.alpha === undefined ? ALPHAS : [fixed.alpha];
  const betas = fixed.beta === undefined ? BETAS : [fixed.beta];
  const gammas = m === 0 ? [fixed.gamma ?? 0] : fixed.gamma === undefined ? GAMMAS : [fixed.gamma];
  let best: HoltWintersFit = { alpha: alphas[0], beta: betas[0], gamma: gammas[0], seasonLength: m, sse: Infinity };
  const start = initialState(regular.values, m);
  for (const alpha of alphas) {
    for (const beta of betas) {
      for (const gamma of gammas) {
        const { sse } = run(regular.values, m, { alpha, beta, gamma }, start);
        if (sse < best.sse) best = { alpha, beta, gamma, seasonLength: m, sse };
      }
    }
  }
  return best;
}

/** Forecast at `targetMs` from a fitted model; the season term is interpolated between steps. */
export function forecastRegular(regular: RegularSeries, fit: HoltWintersFit, targetMs: number): number {
  const m = fit.seasonLength;
  const { level, trend, season } = run(regular.values, m, fit, initialState(regular.values, m));
  const position = (targetMs - regular.startMs) / regular.stepMs;
  const ahead = position - (regular.values.length - 1);
  if (season === null) return level + ahead * trend;
  const j = Math.floor(position);
  const f = position - j;
  const at = (k: number) => season[((k % m) + m) % m];
  return level + ahead * trend + (1 - f) * at(j) + f * at(j + 1);
}

/**
 * Holt-Winters forecast `horizonSeconds` after the last sample. Points may arrive unsorted or
 * irregularly spaced; at least two distinct instants are needed to see a trend.
 */
export function holtWinters(points: readonly SeriesPoint[], opts: HoltWintersOptions): number {
  const series = normaliseSeries(points);
  if (series.length < 2) throw new RangeError(`holtWinters needs at least 2 finite points, got ${series.length}`);
  const regular = toRegularSteps(series, opts.stepSeconds === undefined ? undefined : opts.stepSeconds * 1000);
  const fit = fitHoltWinters(regular, opts.seasonSeconds, opts);
  return forecastRegular(regular, fit, series[series.length - 1].t + opts.horizonSeconds * 1000);
}
