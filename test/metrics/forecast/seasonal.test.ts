/**
 * A daily cycle (100 ± 40 requests/s) plus Gaussian noise (σ = 4) from a seeded generator,
 * sampled every 15 minutes for four days. Holt-Winters with a daily season must land within
 * 10 % of the noiseless curve six hours ahead, and beat the EWMA in the backtest.
 */
import { describe, expect, it } from "vitest";
import { forecastSeries, holtWinters } from "../../../src/metrics/forecast/index.js";
import { DAY, dailyLoad, MINUTE, sampled, seededNormal } from "./series-builders.js";

const HORIZON_S = 6 * 3600;
const DAY_S = 86_400;

function noisyDays(seed: number, days: number) {
  const noise = seededNormal(seed);
  return sampled((days * DAY) / (15 * MINUTE), 15 * MINUTE, (t) => dailyLoad(t) + 4 * noise());
}

describe("daily seasonal series", () => {
  it.each([1, 2, 3, 4, 5])("seed %i: Holt-Winters is within 10 %% of the curve at the horizon", (seed) => {
    const points = noisyDays(seed, 4);
    const truth = dailyLoad(points[points.length - 1].t + HORIZON_S * 1000);
    const value = holtWinters(points, { horizonSeconds: HORIZON_S, seasonSeconds: DAY_S });
    expect(Math.abs(value - truth) / truth).toBeLessThan(0.1);
  });

  it.each([1, 2, 3])("seed %i: forecastSeries picks Holt-Winters, whose backtest error beats the EWMA's", (seed) => {
    const points = noisyDays(seed, 4);
    const truth = dailyLoad(points[points.length - 1].t + HORIZON_S * 1000);
    const forecast = forecastSeries(points, {
      horizonSeconds: HORIZON_S,
      halfLifeSeconds: 3600,
      seasonSeconds: DAY_S,
    })!;
    expect(forecast.method).toBe("holt-winters");
    expect(Math.abs(forecast.value - truth) / truth).toBeLessThan(0.1);
    // The EWMA forecasts "now" for six hours ahead: on a ±40 swing it is off by tens of requests/s.
    expect(forecast.errors["holt-winters"]!).toBeLessThan(forecast.errors.ewma! / 3);
    // Noise alone costs σ·√(2/π) ≈ 3.2 in mean absolute error; the season model adds little to it.
    expect(forecast.errors["holt-winters"]!).toBeLessThan(6);
  });

  it("ignores the season until the history covers two of them", () => {
    const points = noisyDays(7, 1.5);
    const withSeason = holtWinters(points, { horizonSeconds: HORIZON_S, seasonSeconds: DAY_S });
    const withoutSeason = holtWinters(points, { horizonSeconds: HORIZON_S });
    expect(withSeason).toBe(withoutSeason);
  });

  it("uses given smoothing factors instead of fitting them", () => {
    // alpha = beta = 1 keeps nothing of the past: level = last value, trend = last difference,
    // so two steps ahead the forecast is x[n] + 2·(x[n] − x[n−1]) exactly.
    const points = noisyDays(8, 1);
    const [before, last] = points.slice(-2).map((p) => p.v);
    const value = holtWinters(points, { horizonSeconds: 2 * 15 * 60, alpha: 1, beta: 1 });
    expect(value).toBeCloseTo(last + 2 * (last - before), 9);
  });
});
