/** Irregular sampling: jitter, gaps, bursts, duplicates and unsorted input. */
import { describe, expect, it } from "vitest";
import { ewma, forecastSeries, normaliseSeries, toRegularSteps } from "../../../src/metrics/forecast/index.js";
import { MINUTE, sampledAt, seededRandom, T0 } from "./series-builders.js";

/** Instants from T0 with gaps drawn between minGapMs and maxGapMs. */
function irregularTimes(count: number, seed: number, minGapMs: number, maxGapMs: number): number[] {
  const uniform = seededRandom(seed);
  const times = [T0];
  while (times.length < count)
    times.push(times[times.length - 1] + minGapMs + Math.round(uniform() * (maxGapMs - minGapMs)));
  return times;
}

describe("irregular spacing", () => {
  it("the EWMA depends on elapsed time, not on how many samples arrived", () => {
    // 0 until the step, then 100: sparse samples before, a burst of 50 within 5 s right after the
    // step, then random gaps. Whatever the sampling, the EWMA is 100·(1 − 0.5^(elapsed/halfLife)),
    // elapsed counted from the last sample before the step.
    const before = irregularTimes(30, 3, 30_000, 300_000);
    const stepAt = before[before.length - 1] + 60_000;
    const burst = Array.from({ length: 50 }, (_, i) => stepAt + i * 100);
    const after = irregularTimes(40, 4, 10_000, 200_000).map((t) => t - T0 + stepAt + 10_000);
    const points = sampledAt([...before, ...burst, ...after], (t) => (t < stepAt ? 0 : 100));
    const halfLifeS = 900;
    const elapsedMs = points[points.length - 1].t - before[before.length - 1];
    expect(ewma(points, halfLifeS)).toBeCloseTo(100 * (1 - 0.5 ** (elapsedMs / (halfLifeS * 1000))), 9);
  });

  it("lays samples on a grid of the median spacing and interpolates across gaps", () => {
    // Seconds: 0, 60, 119, 181, 240, then a gap, 420, 480; value = seconds / 10.
    // Gaps 60, 59, 62, 59, 180, 60: median 60 s. Grid slots 0..8; slots 5 and 6 are empty and
    // get the straight line from slot 4 (24) to slot 7 (42): 30 and 36.
    const points = sampledAt(
      [0, 60, 119, 181, 240, 420, 480].map((s) => T0 + s * 1000),
      (t) => (t - T0) / 10_000,
    );
    const regular = toRegularSteps(points);
    expect(regular.stepMs).toBe(60_000);
    expect(regular.startMs).toBe(T0);
    const expected = [0, 6, 11.9, 18.1, 24, 30, 36, 42, 48];
    expect(regular.values).toHaveLength(expected.length);
    for (const [i, v] of regular.values.entries()) expect(v).toBeCloseTo(expected[i], 9);
  });

  it("sorts, drops non-finite samples and averages samples at the same instant", () => {
    const cleaned = normaliseSeries([
      { t: 2000, v: 4 },
      { t: 1000, v: 1 },
      { t: 2000, v: 6 },
      { t: 3000, v: Number.NaN },
    ]);
    expect(cleaned).toEqual([
      { t: 1000, v: 1 },
      { t: 2000, v: 5 },
    ]);
  });

  it("forecasts a jittered ramp with gaps within 2 % of the line", () => {
    // Gaps of 40..80 s, plus two 10-minute outages.
    const times = irregularTimes(300, 9, 40_000, 80_000).map(
      (t, i) => t + (i >= 100 ? 10 * MINUTE : 0) + (i >= 200 ? 10 * MINUTE : 0),
    );
    const line = (t: number) => 50 + 0.2 * ((t - T0) / MINUTE);
    const points = sampledAt(times, line);
    const horizonS = 1800;
    const truth = line(times[times.length - 1] + horizonS * 1000);
    const forecast = forecastSeries(points, { horizonSeconds: horizonS, halfLifeSeconds: 600 })!;
    expect(forecast.method).toBe("holt-winters");
    expect(Math.abs(forecast.value - truth) / truth).toBeLessThan(0.02);
  });
});
