/** Builds a run's sampled series (sim/results.ts RunSeries) one sample at a time. */
import type { RunSeries } from "../results.js";

export class SeriesRecorder {
  readonly #t: number[] = [];
  readonly #provisioned: number[] = [];
  readonly #allocated: number[] = [];
  readonly #used: number[] = [];

  push(t: number, provisionedGpus: number, allocatedGpus: number, usedGpus: number): void {
    this.#t.push(t);
    this.#provisioned.push(round(provisionedGpus));
    this.#allocated.push(round(allocatedGpus));
    this.#used.push(round(usedGpus));
  }

  get length(): number {
    return this.#t.length;
  }

  series(): RunSeries {
    return { t: this.#t, provisionedGpus: this.#provisioned, allocatedGpus: this.#allocated, usedGpus: this.#used };
  }
}

/** Six decimals: float noise from running sums would otherwise show in the CSVs. */
function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
