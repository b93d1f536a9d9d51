/** A constant series: every method must return the constant, and the backtest must see no error. */
import { describe, expect, it } from "vitest";
import { decayingPercentile, ewma, forecastSeries, holtWinters } from "../../../src/metrics/forecast/index.js";
import { MINUTE, sampled } from "./series-builders.js";

const LEVEL = 42.5;
const points = sampled(60, MINUTE, () => LEVEL);
const last = points[points.length - 1].t;

describe("constant series", () => {
  it("every method returns the constant within 1e-9", () => {
    expect(Math.abs(ewma(points, 600) - LEVEL)).toBeLessThan(1e-9);
    expect(Math.abs(decayingPercentile(points, 600, 0.9, last) - LEVEL)).toBeLessThan(1e-9);
    expect(Math.abs(decayingPercentile(points, 600, 0.5, last) - LEVEL)).toBeLessThan(1e-9);
    expect(Math.abs(holtWinters(points, { horizonSeconds: 1800 }) - LEVEL)).toBeLessThan(1e-9);
    // 60 minutes cover six 10-minute seasons, so this run models a season (which must come out flat).
    expect(Math.abs(holtWinters(points, { horizonSeconds: 1800, seasonSeconds: 600 }) - LEVEL)).toBeLessThan(1e-9);
  });

  it("forecastSeries returns the constant with zero backtest error and picks the simplest method", () => {
    const forecast = forecastSeries(points, { horizonSeconds: 1800, halfLifeSeconds: 600, seasonSeconds: 600 });
    expect(forecast).not.toBeNull();
    expect(Math.abs(forecast!.value - LEVEL)).toBeLessThan(1e-9);
    expect(forecast!.backtestError).toBeLessThan(1e-9);
    expect(Object.keys(forecast!.errors).sort()).toEqual(["ewma", "holt-winters", "percentile"]);
    for (const error of Object.values(forecast!.errors)) expect(error).toBeLessThan(1e-9);
    for (const value of Object.values(forecast!.forecasts)) expect(Math.abs(value - LEVEL)).toBeLessThan(1e-9);
    // All three tie at zero error; the tie goes to the simplest.
    expect(forecast!.method).toBe("ewma");
  });

  it("honours the candidate list", () => {
    const forecast = forecastSeries(points, { horizonSeconds: 60, halfLifeSeconds: 600, methods: ["holt-winters"] });
    expect(forecast!.method).toBe("holt-winters");
    expect(Object.keys(forecast!.errors)).toEqual(["holt-winters"]);
  });
});
