/** The decaying histogram against an exact quantile, and its bucket precision. */
import mathjs from "mathjs/lib/browser/math.js";
import { describe, expect, it } from "vitest";
import { decayingPercentile } from "../../../src/metrics/forecast/index.js";
import { sampled, seededRandom } from "./series-builders.js";

const uniform = seededRandom(11);
// Values spread over four decades (0.5 .. 5,000), one a second.
const points = sampled(500, 1000, () => 0.5 * 10 ** (4 * uniform()));
const values = points.map((p) => p.v);
const last = points[points.length - 1].t;
const NO_DECAY_S = 1e12; // a half-life far longer than the series: every weight is ≈ 1

describe("decayingPercentile", () => {
  it.each([0.5, 0.9, 0.99])("without decay, percentile %f is within one 5 %% bucket of the exact quantile", (p) => {
    const exact = Number(mathjs.quantileSeq(values, p));
    const approx = decayingPercentile(points, NO_DECAY_S, p, last);
    expect(Math.abs(approx - exact) / exact).toBeLessThan(0.05);
  });

  it("returns the extremes exactly at 0 and 1", () => {
    expect(decayingPercentile(points, NO_DECAY_S, 0, last)).toBe(Math.min(...values));
    expect(decayingPercentile(points, NO_DECAY_S, 1, last)).toBe(Math.max(...values));
  });

  it("with decay, recent samples dominate", () => {
    // 400 old samples of 10, then 100 recent samples of 1 one second apart. Half-life 10 s:
    // the old samples weigh under 0.5^10 of the recent ones' total, so even the 99th percentile is 1.
    const mixed = sampled(500, 1000, (t) => (t - points[0].t < 400_000 ? 10 : 1));
    expect(decayingPercentile(mixed, 10, 0.99, last)).toBe(1);
    expect(decayingPercentile(mixed, NO_DECAY_S, 0.5, last)).toBe(10);
  });

  it("handles negative values in value order", () => {
    const signed = sampled(5, 1000, (t) => [-30, -2, 0, 4, 50][(t - points[0].t) / 1000]);
    expect(decayingPercentile(signed, NO_DECAY_S, 0, signed[4].t)).toBe(-30);
    expect(decayingPercentile(signed, NO_DECAY_S, 0.5, signed[4].t)).toBe(0);
    expect(decayingPercentile(signed, NO_DECAY_S, 1, signed[4].t)).toBe(50);
  });

  it("rejects a percentile outside 0..1 and a read before any sample", () => {
    expect(() => decayingPercentile(points, 60, 1.5, last)).toThrow(/within 0\.\.1/);
    expect(() => decayingPercentile(points, 60, 0.9, points[0].t - 1)).toThrow(/at or before/);
  });
});
