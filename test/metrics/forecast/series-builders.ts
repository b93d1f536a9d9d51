/** Known series for the forecasting tests, built from formulas so every expectation can be derived. */
import type { SeriesPoint } from "../../../src/metrics/forecast/index.js";
import { mulberry32 } from "../../support/prng.js";

export const T0 = Date.UTC(2025, 0, 6); // a Monday midnight, so "daily" phases read naturally
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const seededRandom = mulberry32;

/** Standard normal draws from a seeded uniform source (Box-Muller). */
export function seededNormal(seed: number): () => number {
  const uniform = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** `count` samples of f, `stepMs` apart, starting at T0. */
export function sampled(count: number, stepMs: number, f: (t: number) => number): SeriesPoint[] {
  return Array.from({ length: count }, (_, i) => {
    const t = T0 + i * stepMs;
    return { t, v: f(t) };
  });
}

/** Samples of f at the given instants. */
export function sampledAt(times: readonly number[], f: (t: number) => number): SeriesPoint[] {
  return times.map((t) => ({ t, v: f(t) }));
}

/** Daily cycle: mean 100 requests/s swinging ±40, highest at 06:00 UTC, lowest at 18:00 UTC. */
export function dailyLoad(t: number): number {
  return 100 + 40 * Math.sin((2 * Math.PI * (t - T0)) / DAY);
}
