import { describe, expect, it } from "vitest";
import { Random } from "../../../sim/random.js";
import { diurnalFactor, SECONDS_PER_DAY } from "../../../sim/workloads/diurnal.js";
import { poissonArrivals, type RateSeries, tileOntoDiurnal } from "../../../sim/workloads/rate-series.js";

function series(rates: number[], binSeconds: number, lastBinSeconds = binSeconds): RateSeries {
  return {
    binSeconds,
    requestsPerSecond: Float64Array.from(rates),
    contextTokensPerSecond: Float64Array.from(rates, (r) => r * 1000),
    generatedTokensPerSecond: Float64Array.from(rates, (r) => r * 100),
    lastBinSeconds,
  };
}

describe("diurnalFactor", () => {
  it("peaks at the peak second, bottoms out twelve hours later, averages 1 over a day", () => {
    const shape = { amplitude: 0.6, peakSecondOfDay: 14 * 3600 };
    expect(diurnalFactor(14 * 3600, shape)).toBeCloseTo(1.6, 12);
    expect(diurnalFactor(2 * 3600, shape)).toBeCloseTo(0.4, 12);
    let sum = 0;
    for (let t = 0; t < SECONDS_PER_DAY; t += 60) sum += diurnalFactor(t, shape);
    expect(sum / (SECONDS_PER_DAY / 60)).toBeCloseTo(1, 12);
  });
});

describe("tileOntoDiurnal", () => {
  // One "hour" of four 15-minute bins with a burst in the second, plus a partial fifth bin.
  const hour = series([2, 6, 2, 2, 0.5], 900, 300);

  it("repeats the full bins, sets the daily mean, and keeps tokens per request", () => {
    const day = tileOntoDiurnal(hour, {
      durationSeconds: SECONDS_PER_DAY,
      amplitude: 0.5,
      peakSecondOfDay: 12 * 3600,
      meanRequestsPerSecond: 10,
    });
    expect(day.requestsPerSecond.length).toBe(96);
    const mean = day.requestsPerSecond.reduce((a, b) => a + b, 0) / 96;
    expect(mean).toBeCloseTo(10, 9);
    // Source mean over the four full bins is 3; scale 10 / 3. Bin 1 (00:15–00:30) is the burst bin.
    expect(day.requestsPerSecond[1]).toBeCloseTo(
      6 * (10 / 3) * diurnalFactor(1.5 * 900, { amplitude: 0.5, peakSecondOfDay: 43200 }),
      9,
    );
    // Bin 5 is source bin 1 again (the partial fifth source bin is skipped).
    expect(day.requestsPerSecond[5] / day.requestsPerSecond[4]).toBeCloseTo(
      (6 / 2) *
        (diurnalFactor(5.5 * 900, { amplitude: 0.5, peakSecondOfDay: 43200 }) /
          diurnalFactor(4.5 * 900, { amplitude: 0.5, peakSecondOfDay: 43200 })),
      9,
    );
    for (let b = 0; b < 96; b++) {
      expect(day.contextTokensPerSecond[b] / day.requestsPerSecond[b]).toBeCloseTo(1000, 9);
    }
  });

  it("keeps the source's mean when no mean is given, and a flat day with amplitude 0", () => {
    const flat = tileOntoDiurnal(hour, { durationSeconds: 7200, amplitude: 0, peakSecondOfDay: 0 });
    expect(Array.from(flat.requestsPerSecond)).toEqual([2, 6, 2, 2, 2, 6, 2, 2]);
    expect(() => tileOntoDiurnal(hour, { durationSeconds: 60, amplitude: 1.5, peakSecondOfDay: 0 })).toThrow(/0\.\.1/);
  });
});

describe("poissonArrivals", () => {
  it("produces, lazily and in order, about rate × width arrivals in each bin", () => {
    const rates = series([5, 0, 20], 1000);
    const times = [...poissonArrivals(rates, Random.stream(1, "arrivals"))];
    expect(times.every((t, i) => i === 0 || times[i - 1] <= t)).toBe(true);
    const inBin = [0, 1, 2].map((b) => times.filter((t) => t >= b * 1000 && t < (b + 1) * 1000).length);
    expect(inBin[1]).toBe(0);
    // Poisson counts: mean 5,000 and 20,000, standard deviations about 71 and 141.
    expect(Math.abs(inBin[0] - 5000)).toBeLessThan(300);
    expect(Math.abs(inBin[2] - 20000)).toBeLessThan(600);
    expect([...poissonArrivals(rates, Random.stream(1, "arrivals"))]).toEqual(times);
  });
});
