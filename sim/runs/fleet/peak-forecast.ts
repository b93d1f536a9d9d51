/**
 * What forecast scaling sizes for: the busiest bin of each coming step, in replicas' worth of
 * load, forecast by tierfit's forecasters (src/metrics/forecast: EWMA, decaying-histogram
 * percentile and Holt-Winters with a daily season, chosen by backtest error) plus a margin of the
 * chosen method's own backtest error. The peak rather than the mean, because capacity must hold
 * the busiest minute; replicas' worth rather than requests/s, because a burst of long prompts
 * costs as much as a burst of requests.
 *
 * At each step boundary the step just ended becomes a history point, and the step after the one
 * starting now is forecast (two steps past the last point): so the forecast for a step is known
 * a whole step before it starts, ahead of any cold start shorter than a step.
 */
import { forecastSeries } from "../../../src/metrics/forecast/forecast-series.js";
import type { SeriesPoint } from "../../../src/metrics/forecast/series.js";
import type { FleetSection } from "../../scenario/fleet-schema.js";

export type ForecastSettings = FleetSection["forecast"];

export class PeakForecast {
  #points: SeriesPoint[] = [];
  #stepPeak = 0;
  /** Forecast peak per step index; NaN = none (history too short to judge a method). */
  readonly #byStep = new Map<number, number>();
  #method: string | null = null;

  constructor(private readonly settings: ForecastSettings) {}

  /** Load (replicas' worth) seen in the current step. */
  observe(replicasWorth: number): void {
    if (replicasWorth > this.#stepPeak) this.#stepPeak = replicasWorth;
  }

  /** Closes the step ending at `boundary` (seconds) and forecasts the step after the next. */
  closeStep(boundary: number): void {
    const step = this.settings.stepSeconds;
    this.#points.push({ t: boundary * 1000, v: this.#stepPeak });
    this.#stepPeak = 0;
    const oldest = (boundary - this.settings.historySeconds) * 1000;
    let drop = 0;
    while (drop < this.#points.length && this.#points[drop].t <= oldest) drop++;
    if (drop > 0) this.#points.splice(0, drop);
    const forecast = forecastSeries(this.#points, {
      horizonSeconds: 2 * step,
      halfLifeSeconds: this.settings.halfLifeSeconds,
      seasonSeconds: this.settings.seasonSeconds ?? undefined,
      backtestPoints: this.settings.backtestPoints,
    });
    const index = Math.round(boundary / step) + 1;
    this.#byStep.delete(index - 3);
    if (forecast === null) return;
    this.#method = forecast.method;
    this.#byStep.set(index, Math.max(0, forecast.value + this.settings.errorMargins * forecast.backtestError));
  }

  /** The largest forecast peak over [now, now + lead]; null when a step in it has no forecast. */
  peakAhead(now: number, lead: number): number | null {
    const step = this.settings.stepSeconds;
    let peak = 0;
    for (let k = Math.floor(now / step); k <= Math.floor((now + lead) / step); k++) {
      const v = this.#byStep.get(k);
      if (v === undefined) return null;
      peak = Math.max(peak, v);
    }
    return peak;
  }

  /** The method of the latest forecast (null before the first). */
  get method(): string | null {
    return this.#method;
  }
}
