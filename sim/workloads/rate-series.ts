/**
 * Request-rate series: per-bin rates (from a trace, or built), stretched over longer horizons,
 * and turned back into request arrival times.
 */
import type { Random } from "../random.js";
import { checkDiurnalShape, type DiurnalShape, diurnalFactor } from "./diurnal.js";

export interface RateSeries {
  readonly binSeconds: number;
  /** Bin b covers [b × binSeconds, (b + 1) × binSeconds). */
  readonly requestsPerSecond: Float64Array;
  readonly contextTokensPerSecond: Float64Array;
  readonly generatedTokensPerSecond: Float64Array;
  /** How much of the last bin the source covered; below binSeconds, the last bin reads low. */
  readonly lastBinSeconds: number;
}

export interface TileOptions extends DiurnalShape {
  /** Length of the series to build. */
  readonly durationSeconds: number;
  /** Time of day at t = 0 of the result, in seconds after midnight; midnight unless set. */
  readonly startSecondOfDay?: number;
  /** Mean request rate over whole days; the source's own mean unless set. */
  readonly meanRequestsPerSecond?: number;
}

/**
 * Stretches a short trace (the Azure files cover one hour) over days: the source's bins repeat
 * end to end, keeping its second-to-minute burstiness, and each output bin is multiplied by
 * the diurnal factor at its midpoint, which sets the level through the day. Rates are scaled so
 * the mean over whole days is `meanRequestsPerSecond`; token rates get the same factor, so
 * tokens per request stay the source's. A partly covered last source bin is left out of the
 * repeat, since its rate reads low.
 */
export function tileOntoDiurnal(source: RateSeries, options: TileOptions): RateSeries {
  checkDiurnalShape(options);
  const fullBins =
    source.lastBinSeconds < source.binSeconds ? source.requestsPerSecond.length - 1 : source.requestsPerSecond.length;
  if (fullBins < 1) throw new RangeError("the source series has no complete bin to repeat");
  let sourceMean = 0;
  for (let b = 0; b < fullBins; b++) sourceMean += source.requestsPerSecond[b];
  sourceMean /= fullBins;
  if (!(sourceMean > 0)) throw new RangeError("the source series has no requests to repeat");
  const scale = (options.meanRequestsPerSecond ?? sourceMean) / sourceMean;
  const bin = source.binSeconds;
  const bins = Math.ceil(options.durationSeconds / bin);
  const start = options.startSecondOfDay ?? 0;
  const requests = new Float64Array(bins);
  const context = new Float64Array(bins);
  const generated = new Float64Array(bins);
  for (let b = 0; b < bins; b++) {
    const s = b % fullBins;
    const factor = scale * diurnalFactor(start + (b + 0.5) * bin, options);
    requests[b] = source.requestsPerSecond[s] * factor;
    context[b] = source.contextTokensPerSecond[s] * factor;
    generated[b] = source.generatedTokensPerSecond[s] * factor;
  }
  const last = options.durationSeconds - (bins - 1) * bin;
  return {
    binSeconds: bin,
    requestsPerSecond: requests,
    contextTokensPerSecond: context,
    generatedTokensPerSecond: generated,
    lastBinSeconds: last,
  };
}

/**
 * Request arrival times of a Poisson process whose rate is the series' (constant within a
 * bin), in order, lazily: a day at 100 requests/s is never held in memory at once.
 */
export function* poissonArrivals(series: RateSeries, rng: Random): Generator<number> {
  const bin = series.binSeconds;
  for (let b = 0; b < series.requestsPerSecond.length; b++) {
    const rate = series.requestsPerSecond[b];
    if (rate <= 0) continue;
    const end = b === series.requestsPerSecond.length - 1 ? b * bin + series.lastBinSeconds : (b + 1) * bin;
    // Memorylessness lets each bin start afresh at its left edge.
    let t = b * bin + rng.exponential(rate);
    while (t < end) {
      yield t;
      t += rng.exponential(rate);
    }
  }
}
