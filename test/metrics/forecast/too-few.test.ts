/** forecastSeries declines to answer when it cannot backtest. */
import { describe, expect, it } from "vitest";
import { forecastSeries, MIN_FORECAST_POINTS } from "../../../src/metrics/forecast/index.js";
import { MINUTE, sampled } from "./series-builders.js";

const opts = { horizonSeconds: 60, halfLifeSeconds: 600 };
const ramp = (count: number) => sampled(count, MINUTE, (t) => t / MINUTE);

describe("too few points", () => {
  it("returns null below MIN_FORECAST_POINTS (8) samples, a forecast from there on", () => {
    expect(MIN_FORECAST_POINTS).toBe(8);
    expect(forecastSeries([], opts)).toBeNull();
    expect(forecastSeries(ramp(7), opts)).toBeNull();
    expect(forecastSeries(ramp(8), opts)).not.toBeNull();
  });

  it("counts distinct finite samples, not array entries", () => {
    const padded = [...ramp(7), { t: ramp(7)[0].t, v: 3 }, { t: Number.NaN, v: 1 }];
    expect(forecastSeries(padded, opts)).toBeNull();
  });

  it("returns null when the horizon leaves too little history before the backtest targets", () => {
    // 20 minutes of samples cannot be judged on a one-hour horizon.
    expect(forecastSeries(ramp(20), { ...opts, horizonSeconds: 3600 })).toBeNull();
    expect(forecastSeries(ramp(20), { ...opts, horizonSeconds: 600 })).not.toBeNull();
  });

  it("rejects invalid options as a programming error", () => {
    expect(() => forecastSeries(ramp(20), { ...opts, percentile: 2 })).toThrow(RangeError);
    expect(() => forecastSeries(ramp(20), { ...opts, halfLifeSeconds: 0 })).toThrow(RangeError);
    expect(() => forecastSeries(ramp(20), { ...opts, methods: [] })).toThrow(RangeError);
  });
});
