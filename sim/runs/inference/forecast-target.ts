/**
 * The load forecast-driven scaling sizes for: the service's observed request rate, kept at a
 * coarser step over a bounded window (what the forecast job reads from Redis), forecast one
 * horizon ahead by src/metrics/forecast's backtested method choice. The target rate is the larger
 * of the forecast and the busiest minute since the last resize, plus headroom; its token sizes
 * are the largest seen since the last resize. A forecast of the mean undershoots minute-level
 * bursts, and a burst of long requests needs as much KV cache and compute as a burst of requests,
 * so scaling to the current minute alone leaves load unserved before the next resize.
 */
import { forecastSeries } from "../../../src/metrics/forecast/forecast-series.js";
import type { SeriesPoint } from "../../../src/metrics/forecast/series.js";
import type { InferenceSection } from "../../scenario/schema.js";
import type { LoadPoint } from "./load-series.js";

export type ForecastSettings = InferenceSection["forecast"];

/** Observed request rate, one averaged point per step, oldest dropped past the window. */
export class RateHistory {
  #points: SeriesPoint[] = [];
  /** Bumped whenever the points change, so a forecast of unchanged points is reused. */
  #version = 0;
  #stepStart = 0;
  #sum = 0;
  #seconds = 0;

  constructor(
    private readonly stepSeconds: number,
    private readonly windowSeconds: number,
  ) {}

  /** `rps` held over [t, t + seconds). */
  observe(t: number, rps: number, seconds: number): void {
    if (this.#seconds === 0) this.#stepStart = t;
    this.#sum += rps * seconds;
    this.#seconds += seconds;
    if (this.#seconds >= this.stepSeconds) {
      // Stamped at the step's end: the rate is known once the step is over.
      const end = this.#stepStart + this.#seconds;
      this.#points.push({ t: end * 1000, v: this.#sum / this.#seconds });
      this.#sum = 0;
      this.#seconds = 0;
      const oldest = (end - this.windowSeconds) * 1000;
      let drop = 0;
      while (drop < this.#points.length && this.#points[drop].t < oldest) drop++;
      if (drop > 0) this.#points = this.#points.slice(drop);
      this.#version++;
    }
  }

  get points(): readonly SeriesPoint[] {
    return this.#points;
  }

  get version(): number {
    return this.#version;
  }
}

export interface Target {
  readonly load: LoadPoint;
  /** The forecast rate; null while the history is too short to judge a method. */
  readonly forecastRps: number | null;
  readonly method: string | null;
  readonly backtestError: number;
}

type RateForecast = ReturnType<typeof forecastSeries>;

/**
 * Forecasts per history: the forecast is a function of the points alone (it is made for the last
 * point plus the horizon), so between two history steps it is the same and is not recomputed.
 */
const forecasts = new WeakMap<RateHistory, { version: number; forecast: RateForecast }>();

function forecastOf(history: RateHistory, settings: ForecastSettings): RateForecast {
  const cached = forecasts.get(history);
  if (cached !== undefined && cached.version === history.version) return cached.forecast;
  const forecast = forecastSeries(history.points, {
    horizonSeconds: settings.horizonSeconds,
    halfLifeSeconds: settings.halfLifeSeconds,
    seasonSeconds: settings.seasonSeconds ?? undefined,
    backtestPoints: settings.backtestPoints,
  });
  forecasts.set(history, { version: history.version, forecast });
  return forecast;
}

/** `recent`: the worst load since the last resize (load-series.ts peakOver). */
export function forecastTarget(history: RateHistory, recent: LoadPoint, settings: ForecastSettings): Target {
  const forecast = forecastOf(history, settings);
  const predicted = forecast === null ? null : Math.max(0, forecast.value);
  const rps = Math.max(predicted ?? 0, recent.rps) * (1 + settings.headroom);
  return {
    load: { ...recent, rps },
    forecastRps: predicted,
    method: forecast?.method ?? null,
    backtestError: forecast?.backtestError ?? 0,
  };
}
