/**
 * Time-aware exponentially weighted moving average. Each new sample replaces the share
 * 1 - 0.5^(Δt/halfLife) of the running value, so a sample's weight is proportional to the time
 * it stands for, not to how often the writer happened to sample: a burst of samples does not
 * outweigh a quiet hour, and a long gap lets the old value fade as it would have anyway.
 * The result depends only on elapsed time; with a step from a to b it is exactly
 * b + (a - b) * 0.5^(elapsed / halfLife).
 */
import { normaliseSeries, type SeriesPoint } from "./series.js";

function assertHalfLife(halfLifeSeconds: number): void {
  if (!(halfLifeSeconds > 0) || !Number.isFinite(halfLifeSeconds)) {
    throw new RangeError(`halfLifeSeconds must be a positive number, got ${halfLifeSeconds}`);
  }
}

/** Running EWMA after each sample of a normalised series (index i = value after sample i). */
export function ewmaStates(points: readonly SeriesPoint[], halfLifeSeconds: number): Float64Array {
  assertHalfLife(halfLifeSeconds);
  const halfLifeMs = halfLifeSeconds * 1000;
  const states = new Float64Array(points.length);
  if (points.length === 0) return states;
  let level = points[0].v;
  states[0] = level;
  for (let i = 1; i < points.length; i++) {
    const keep = 0.5 ** ((points[i].t - points[i - 1].t) / halfLifeMs);
    level = keep * level + (1 - keep) * points[i].v;
    states[i] = level;
  }
  return states;
}

/** EWMA at the last sample. Points may arrive unsorted; an empty series is a caller's bug. */
export function ewma(points: readonly SeriesPoint[], halfLifeSeconds: number): number {
  const series = normaliseSeries(points);
  if (series.length === 0) throw new RangeError("ewma needs at least one finite point");
  return ewmaStates(series, halfLifeSeconds)[series.length - 1];
}
