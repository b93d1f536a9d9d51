/**
 * What forecast scaling sizes replicas for: the worst load since the last resize (rate and token
 * sizes each at their peak) or the forecast rate if higher, plus headroom.
 */
import { describe, expect, it } from "vitest";
import { forecastTarget, RateHistory } from "../../../sim/runs/inference/forecast-target.js";
import { peakOver, type ServiceLoad } from "../../../sim/runs/inference/load-series.js";

const settings = {
  intervalSeconds: 600,
  horizonSeconds: 600,
  halfLifeSeconds: 3600,
  seasonSeconds: null,
  headroom: 0.1,
  historySeconds: 36_000,
  historyStepSeconds: 600,
  backtestPoints: 8,
};

const load: ServiceLoad = {
  binSeconds: 60,
  rps: Float64Array.from([5, 9, 4, 7, 6]),
  contextTokens: Float64Array.from([100, 300, 200, 900, 100]),
  generatedTokens: Float64Array.from([50, 80, 400, 60, 70]),
};

describe("peakOver", () => {
  it("takes the largest rate and, separately, the largest token sizes over the bins", () => {
    expect(peakOver(load, 0, 2)).toEqual({ rps: 9, contextTokens: 300, generatedTokens: 400 });
    expect(peakOver(load, 3, 4)).toEqual({ rps: 7, contextTokens: 900, generatedTokens: 70 });
  });

  it("clips the window to the series", () => {
    expect(peakOver(load, -5, 0)).toEqual({ rps: 5, contextTokens: 100, generatedTokens: 50 });
    expect(peakOver(load, 4, 99)).toEqual({ rps: 6, contextTokens: 100, generatedTokens: 70 });
  });
});

describe("forecastTarget", () => {
  const recent = { rps: 10, contextTokens: 800, generatedTokens: 200 };

  it("sizes for the recent peak plus headroom while the history is too short to forecast", () => {
    const t = forecastTarget(new RateHistory(600, 36_000), recent, settings);
    expect(t.forecastRps).toBeNull();
    expect(t.method).toBeNull();
    expect(t.load.rps).toBeCloseTo(11, 12);
    expect(t.load).toMatchObject({ contextTokens: 800, generatedTokens: 200 });
  });

  it("sizes for the forecast when it is above the recent peak, at the recent token sizes", () => {
    const history = new RateHistory(600, 36_000);
    // Ten steps of a steady 20 rps: every method forecasts 20, the simplest (EWMA) answers.
    for (let i = 0; i < 10; i++) history.observe(i * 600, 20, 600);
    expect(history.points).toHaveLength(10);
    const t = forecastTarget(history, recent, settings);
    expect(t.forecastRps).toBeCloseTo(20, 9);
    expect(t.method).toBe("ewma");
    expect(t.load.rps).toBeCloseTo(22, 9);
    expect(t.load).toMatchObject({ contextTokens: 800, generatedTokens: 200 });
    // A burst above the forecast wins: 30 × 1.1.
    expect(forecastTarget(history, { ...recent, rps: 30 }, settings).load.rps).toBeCloseTo(33, 9);
  });

  it("forecasts again once the history has a new point", () => {
    const history = new RateHistory(600, 36_000);
    for (let i = 0; i < 10; i++) history.observe(i * 600, 20, 600);
    expect(forecastTarget(history, recent, settings).forecastRps).toBeCloseTo(20, 9);
    const version = history.version;
    history.observe(6000, 80, 300); // half a step: no new point, the same forecast
    expect(history.version).toBe(version);
    expect(forecastTarget(history, recent, settings).forecastRps).toBeCloseTo(20, 9);
    history.observe(6300, 80, 300); // the step completes at 80 rps
    expect(history.version).toBe(version + 1);
    expect(forecastTarget(history, recent, settings).forecastRps).toBeGreaterThan(20);
  });
});
