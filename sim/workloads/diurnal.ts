/**
 * The daily cycle used to shape demand: a sinusoid over a 24-hour period that peaks at a chosen
 * second of the day and averages to exactly 1 over a whole period, so multiplying a mean rate
 * by it changes when demand comes, not how much comes in a day.
 */
export const SECONDS_PER_DAY = 86_400;

export interface DiurnalShape {
  /** 0 = flat; 1 = the rate swings from 0 at the trough to 2 × mean at the peak. */
  readonly amplitude: number;
  /** Second of the day (0..86,399) when the rate peaks; e.g. 14 × 3600 for 2 p.m. */
  readonly peakSecondOfDay: number;
  /** Length of a cycle in seconds; a day unless set. */
  readonly periodSeconds?: number;
}

/** Rate multiplier at time `t` (seconds, t = 0 is midnight): 1 + amplitude · cos(2π (t − peak) / period). */
export function diurnalFactor(t: number, shape: DiurnalShape): number {
  const period = shape.periodSeconds ?? SECONDS_PER_DAY;
  return 1 + shape.amplitude * Math.cos((2 * Math.PI * (t - shape.peakSecondOfDay)) / period);
}

export function checkDiurnalShape(shape: DiurnalShape): void {
  if (!(shape.amplitude >= 0 && shape.amplitude <= 1)) {
    throw new RangeError(`diurnal amplitude must be in 0..1 (a rate cannot go negative), got ${shape.amplitude}`);
  }
  const period = shape.periodSeconds ?? SECONDS_PER_DAY;
  if (!(period > 0) || !Number.isFinite(period)) throw new RangeError(`diurnal period must be > 0, got ${period}`);
  if (!Number.isFinite(shape.peakSecondOfDay)) throw new RangeError("diurnal peakSecondOfDay must be a number");
}
