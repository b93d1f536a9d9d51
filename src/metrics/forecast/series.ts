/**
 * Time series as the forecasters receive them, and the clean-up every method shares:
 * sorted by time, one value per instant, finite values only.
 */
export interface SeriesPoint {
  /** ms since epoch */
  readonly t: number;
  readonly v: number;
}

/** A series laid on a regular grid: value k belongs to `startMs + k * stepMs`. */
export interface RegularSeries {
  readonly startMs: number;
  readonly stepMs: number;
  readonly values: readonly number[];
}

/**
 * Longest grid `toRegularSteps` builds. One old sample far before a dense history would
 * otherwise ask for millions of empty steps; the step is widened instead.
 */
export const MAX_REGULAR_STEPS = 20_000;

function isClean(points: readonly SeriesPoint[]): boolean {
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    if (!Number.isFinite(p.t) || !Number.isFinite(p.v)) return false;
    if (i > 0 && p.t <= points[i - 1].t) return false;
  }
  return true;
}

/**
 * Sorted by time, non-finite samples dropped, samples at the same instant averaged (a writer
 * that retries can store one instant twice; neither copy deserves more weight than the other).
 * Returns the input itself when it is already clean, so callers can normalise freely.
 */
export function normaliseSeries(points: readonly SeriesPoint[]): readonly SeriesPoint[] {
  if (isClean(points)) return points;
  const sorted = points.filter((p) => Number.isFinite(p.t) && Number.isFinite(p.v)).sort((a, b) => a.t - b.t);
  const merged: SeriesPoint[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    let sum = 0;
    while (j < sorted.length && sorted[j].t === sorted[i].t) sum += sorted[j++].v;
    merged.push({ t: sorted[i].t, v: sum / (j - i) });
    i = j;
  }
  return merged;
}

/**
 * Median gap between consecutive samples of a normalised series, ms; 0 with fewer than two samples.
 * A typed-array sort rather than mathjs `median`: its quickselect degrades to quadratic time when
 * most values are equal, which is exactly the regularly sampled case (2 s for 10,000 gaps).
 */
export function medianSpacingMs(points: readonly SeriesPoint[]): number {
  if (points.length < 2) return 0;
  const gaps = new Float64Array(points.length - 1);
  for (let i = 1; i < points.length; i++) gaps[i - 1] = points[i].t - points[i - 1].t;
  gaps.sort();
  const mid = gaps.length >> 1;
  return gaps.length % 2 === 1 ? gaps[mid] : (gaps[mid - 1] + gaps[mid]) / 2;
}

/**
 * Lays a normalised series on a regular grid, as Holt-Winters needs one value per step.
 * The step is the median spacing (the sampling interval the writer intended; jitter and
 * occasional gaps do not move a median), widened if the grid would exceed MAX_REGULAR_STEPS.
 * Each sample goes to the nearest grid instant; a step holding several samples takes their
 * mean; an empty step (a gap) is filled by straight-line interpolation between its neighbours,
 * which never invents a level the data did not show. `end` limits it to the first `end` samples.
 */
export function toRegularSteps(
  points: readonly SeriesPoint[],
  stepMs = medianSpacingMs(points),
  end = points.length,
): RegularSeries {
  if (end === 0) throw new RangeError("toRegularSteps needs at least one point");
  const startMs = points[0].t;
  const spanMs = points[end - 1].t - startMs;
  if (spanMs === 0 || !(stepMs > 0)) return { startMs, stepMs: Math.max(stepMs, 1), values: [points[0].v] };
  const step = Math.max(stepMs, spanMs / (MAX_REGULAR_STEPS - 1));
  const length = Math.round(spanMs / step) + 1;
  const sums = new Float64Array(length);
  const counts = new Uint32Array(length);
  for (let i = 0; i < end; i++) {
    const k = Math.round((points[i].t - startMs) / step);
    sums[k] += points[i].v;
    counts[k] += 1;
  }
  const values = new Array<number>(length);
  let previous = -1; // last filled step
  for (let k = 0; k < length; k++) {
    if (counts[k] === 0) continue;
    values[k] = sums[k] / counts[k];
    for (let gap = previous + 1; gap < k; gap++) {
      const f = (gap - previous) / (k - previous);
      values[gap] = values[previous] + f * (values[k] - values[previous]);
    }
    previous = k;
  }
  return { startMs, stepMs: step, values };
}
