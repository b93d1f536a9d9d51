/**
 * A linear ramp: Holt-Winters follows it, an EWMA lags behind it by a known amount.
 * For a ramp of slope s sampled every Δt, an EWMA keeping a = 0.5^(Δt/halfLife) per sample
 * settles at lag = s·Δt·a/(1 − a) behind the latest value.
 */
import { describe, expect, it } from "vitest";
import { ewma, forecastSeries, holtWinters } from "../../../src/metrics/forecast/index.js";
import { MINUTE, sampled, T0 } from "./series-builders.js";

const SLOPE_PER_MINUTE = 0.5;
const line = (t: number) => 10 + SLOPE_PER_MINUTE * ((t - T0) / MINUTE);
const points = sampled(240, MINUTE, line);
const last = points[points.length - 1];
const HORIZON_S = 1800;
const HALF_LIFE_S = 600;
const truth = line(last.t + HORIZON_S * 1000); // 10 + 0.5 × (239 + 30) = 144.5

const keep = 0.5 ** (60 / HALF_LIFE_S); // 0.933…
const ewmaLag = (SLOPE_PER_MINUTE * keep) / (1 - keep); // 0.5 × 0.9330/0.0670 ≈ 6.966

describe("linear trend", () => {
  it("chooses Holt-Winters and lands within 2 % of the line at the horizon", () => {
    expect(truth).toBe(144.5);
    const forecast = forecastSeries(points, { horizonSeconds: HORIZON_S, halfLifeSeconds: HALF_LIFE_S });
    expect(forecast!.method).toBe("holt-winters");
    expect(Math.abs(forecast!.value - truth) / truth).toBeLessThan(0.02);
    expect(Math.abs(holtWinters(points, { horizonSeconds: HORIZON_S }) - truth) / truth).toBeLessThan(0.02);
  });

  it("shows the EWMA lagging by s·Δt·a/(1 − a)", () => {
    expect(ewmaLag).toBeCloseTo(6.966, 3);
    const value = ewma(points, HALF_LIFE_S);
    expect(value).toBeLessThan(last.v);
    // 239 samples = 23.9 half-lives: the start-up transient is below 1e-6.
    expect(Math.abs(last.v - value - ewmaLag)).toBeLessThan(1e-5);
  });

  it("scores the EWMA's backtest error as its lag plus the ramp over the horizon", () => {
    const forecast = forecastSeries(points, { horizonSeconds: HORIZON_S, halfLifeSeconds: HALF_LIFE_S })!;
    // From an origin 30 min back the EWMA sits ewmaLag below the line; the line then climbs 15 more.
    expect(forecast.errors.ewma).toBeCloseTo(ewmaLag + SLOPE_PER_MINUTE * 30, 4);
    expect(forecast.errors["holt-winters"]).toBeLessThan(1e-6);
    expect(forecast.forecasts.ewma).toBeLessThan(truth - 20);
  });
});
