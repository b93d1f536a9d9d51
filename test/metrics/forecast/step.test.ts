/**
 * A step from 100 to 200 requests/s, sampled every minute, half-life 10 minutes.
 * The EWMA closes the gap by half each half-life; the decaying percentile switches once the
 * new samples carry the percentile's share of the (decayed) weight.
 */
import { describe, expect, it } from "vitest";
import { decayingPercentile, ewma } from "../../../src/metrics/forecast/index.js";
import { MINUTE, sampled, T0 } from "./series-builders.js";

const HALF_LIFE_S = 600;
const STEP_AT = T0 + 120 * MINUTE; // two hours of 100, then 200
const points = sampled(240, MINUTE, (t) => (t < STEP_AT ? 100 : 200));
const until = (ms: number) => points.filter((p) => p.t <= ms);

describe("step", () => {
  it("the EWMA is within 5 % of the new level after 5 half-lives", () => {
    // The last 100 was sampled one minute before the step; 49 minutes after the step, 5 half-lives
    // have passed since it: 200 − 100 × 0.5^5 = 196.875.
    const after = until(STEP_AT + 49 * MINUTE);
    const value = ewma(after, HALF_LIFE_S);
    expect(value).toBeCloseTo(196.875, 9);
    expect(Math.abs(value - 200) / 200).toBeLessThan(0.05);
    // And one half-life in, it is only half-way.
    expect(ewma(until(STEP_AT + 9 * MINUTE), HALF_LIFE_S)).toBeCloseTo(150, 9);
  });

  it("the decaying 90th percentile follows the step", () => {
    const at = (ms: number, p = 0.9) => decayingPercentile(points, HALF_LIFE_S, p, ms);
    expect(at(STEP_AT - MINUTE)).toBe(100);
    // 3 minutes in, the new samples already hold about 1 − 0.5^0.4 ≈ 24 % of the weight: above the top 10 %.
    expect(at(STEP_AT + 3 * MINUTE)).toBe(200);
    // The median needs half the weight, about one half-life: still 100 at half a half-life, 200 at 1.5.
    expect(at(STEP_AT + 5 * MINUTE, 0.5)).toBe(100);
    expect(at(STEP_AT + 15 * MINUTE, 0.5)).toBe(200);
    expect(Math.abs(at(STEP_AT + 50 * MINUTE) - 200) / 200).toBeLessThan(0.05);
  });

  it("the percentile ignores samples after the instant it is read at", () => {
    const everything = decayingPercentile(points, HALF_LIFE_S, 0.9, STEP_AT - MINUTE);
    const history = decayingPercentile(until(STEP_AT - MINUTE), HALF_LIFE_S, 0.9, STEP_AT - MINUTE);
    expect(everything).toBe(history);
  });
});
