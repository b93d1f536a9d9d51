/**
 * Percentile of a decaying histogram, as the Vertical Pod Autoscaler recommends requests from:
 * exponentially sized buckets (each 5 % wider than the last, so relative precision is the same
 * at 0.1 and at 10,000) and sample weights that halve every half-life, so recent demand counts
 * most but a spike from an hour ago is not forgotten at once.
 *
 * Two departures from VPA, both deliberate:
 * - VPA answers with the upper bound of the bucket that crosses the percentile. We keep each
 *   bucket's smallest and largest sample and interpolate between them, so a steady series gets
 *   its exact value back; the answer still never leaves the bucket (error below one bucket width).
 * - Buckets are kept sparse and mirrored for negative values, so no maximum value is configured.
 */
import { normaliseSeries, type SeriesPoint } from "./series.js";

export interface HistogramBuckets {
  /** Width of the first bucket (values 0..firstBucketSize), in the series' units. VPA uses 0.01 core. */
  firstBucketSize: number;
  /** Each bucket is this much wider than the one before. VPA uses 1.05. */
  ratio: number;
}

export const VPA_BUCKETS: HistogramBuckets = { firstBucketSize: 0.01, ratio: 1.05 };

interface Bucket {
  weight: number;
  min: number;
  max: number;
}

/** VPA's exponential bucket index for |v|, mirrored below zero so keys sort in value order. */
function bucketKey(v: number, { firstBucketSize, ratio }: HistogramBuckets): number {
  const magnitude = Math.abs(v);
  const index =
    magnitude < firstBucketSize
      ? 0
      : Math.floor(Math.log(1 + (magnitude * (ratio - 1)) / firstBucketSize) / Math.log(ratio));
  return v < 0 ? -index - 1 : index;
}

/**
 * Samples older than this many half-lives weigh under 2^-64 of the newest one, below what a
 * double can add to the total: they are skipped, which keeps each read proportional to the
 * recent history rather than to all of it.
 */
const HORIZON_HALF_LIVES = 64;

/** Bucket key of every sample of a normalised series, computed once for many reads. */
export function bucketKeys(series: readonly SeriesPoint[], buckets: HistogramBuckets = VPA_BUCKETS): Int32Array {
  const keys = new Int32Array(series.length);
  for (let i = 0; i < series.length; i++) keys[i] = bucketKey(series[i].v, buckets);
  return keys;
}

/**
 * Percentile of the samples `series[0..end)` of a normalised series, weighted relative to the
 * newest of them; `keys` from `bucketKeys`. The building block of `decayingPercentile`.
 */
export function percentileOfPrefix(
  series: readonly SeriesPoint[],
  keys: Int32Array,
  end: number,
  halfLifeSeconds: number,
  percentile: number,
): number {
  const newestMs = series[end - 1].t;
  const halfLifeMs = halfLifeSeconds * 1000;
  const oldestMs = newestMs - HORIZON_HALF_LIVES * halfLifeMs;
  const histogram = new Map<number, Bucket>();
  let total = 0;
  // 0.5 ** (age / halfLife), as exp: the backtest calls this for every origin of every series.
  const decay = -Math.LN2 / halfLifeMs;
  for (let i = end - 1; i >= 0 && series[i].t >= oldestMs; i--) {
    const { t, v } = series[i];
    const weight = Math.exp((newestMs - t) * decay);
    total += weight;
    const bucket = histogram.get(keys[i]);
    if (bucket === undefined) histogram.set(keys[i], { weight, min: v, max: v });
    else {
      bucket.weight += weight;
      if (v < bucket.min) bucket.min = v;
      if (v > bucket.max) bucket.max = v;
    }
  }

  const wanted = percentile * total;
  const sortedKeys = [...histogram.keys()].sort((a, b) => a - b);
  let below = 0;
  for (const key of sortedKeys) {
    const bucket = histogram.get(key)!;
    if (below + bucket.weight >= wanted) {
      const share = Math.min(1, Math.max(0, (wanted - below) / bucket.weight));
      return bucket.min + share * (bucket.max - bucket.min);
    }
    below += bucket.weight;
  }
  // Rounding can leave `wanted` a hair above the summed weights: the answer is the largest sample.
  return histogram.get(sortedKeys[sortedKeys.length - 1])!.max;
}

/**
 * The `percentile` (0..1) of the samples taken at or before `atMs`, each weighted
 * 0.5^(age / halfLife). Weights are relative to the newest sample used, so reading the same
 * samples later gives the same answer (as in VPA: without new samples the recommendation holds).
 */
export function decayingPercentile(
  points: readonly SeriesPoint[],
  halfLifeSeconds: number,
  percentile: number,
  atMs: number,
  buckets: HistogramBuckets = VPA_BUCKETS,
): number {
  checkPercentileArgs(halfLifeSeconds, percentile);
  const series = normaliseSeries(points);
  let end = series.length;
  while (end > 0 && series[end - 1].t > atMs) end--;
  if (end === 0) throw new RangeError(`decayingPercentile needs a finite point at or before ${atMs}`);
  return percentileOfPrefix(series, bucketKeys(series, buckets), end, halfLifeSeconds, percentile);
}

export function checkPercentileArgs(halfLifeSeconds: number, percentile: number): void {
  if (!(halfLifeSeconds > 0)) throw new RangeError(`halfLifeSeconds must be positive, got ${halfLifeSeconds}`);
  if (!(percentile >= 0 && percentile <= 1)) throw new RangeError(`percentile must be within 0..1, got ${percentile}`);
}
