/**
 * The load forecast-driven scaling sizes for: the service's observed request rate, kept at a
 * coarser step over a bounded window (what the forecast job reads from Redis), forecast one
 * horizon ahead by src/metrics/forecast's backtested method choice. The target is the larger of
 * the forecast and the current rate, plus headroom: a forecast that undershoots a rising load
 * must not scale below what is already arriving.
 */
import { forecastSeries } from "../../../src/metrics/forecast/forecast-series.js";
import type { SeriesPoint } from "../../../src/metrics/forecast/series.js";
import type { InferenceSection } from "../../scenario/schema.js";
import type { LoadPoint } from "./load-series.js";

export type ForecastSettings = InferenceSection["forecast"];

/** Observed request rate, one averaged point per step, oldest dropped past the window. */
export class RateHistory {
  #points: SeriesPoint[] = [];
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
    }
  }

  get points(): readonly SeriesPoint[] {
    return this.#points;
  }
}

export interface Target {
  readonly load: LoadPoint;
  /** The forecast rate; null while the history is too short to judge a method. */
  readonly forecastRps: number | null;
  readonly method: string | null;
  readonly backtestError: number;
}

export function forecastTarget(history: RateHistory, current: LoadPoint, settings: ForecastSettings): Target {
  const forecast = forecastSeries(history.points, {
    horizonSeconds: settings.horizonSeconds,
    halfLifeSeconds: settings.halfLifeSeconds,
    seasonSeconds: settings.seasonSeconds ?? undefined,
    backtestPoints: settings.backtestPoints,
  });
  const predicted = forecast === null ? null : Math.max(0, forecast.value);
  const rps = Math.max(predicted ?? 0, current.rps) * (1 + settings.headroom);
  return {
    load: { ...current, rps },
    forecastRps: predicted,
    method: forecast?.method ?? null,
    backtestError: forecast?.backtestError ?? 0,
  };
}
