/**
 * ∫ value dt of a quantity that changes only at events (a step function), counted from `from` on,
 * with the peak value held during that span. The building block of GPU-hours and SLO time.
 */
export class StepIntegral {
  #t: number;
  #value = 0;
  #sum = 0;
  #peak = 0;

  /** `from`: measuring starts here (a warm-up before it is not counted). */
  constructor(
    private readonly from: number,
    start = 0,
  ) {
    this.#t = start;
  }

  /** The quantity takes `value` from `now` on. */
  set(now: number, value: number): void {
    this.advance(now);
    this.#value = value;
    if (now >= this.from && value > this.#peak) this.#peak = value;
  }

  /** Counts the current value up to `now`. */
  advance(now: number): void {
    if (now <= this.#t) return;
    const start = Math.max(this.#t, this.from);
    if (now > start) {
      this.#sum += this.#value * (now - start);
      if (this.#value > this.#peak) this.#peak = this.#value;
    }
    this.#t = now;
  }

  /** value × seconds accumulated so far. */
  get total(): number {
    return this.#sum;
  }

  /** Largest value held at or after `from`. */
  get peak(): number {
    return this.#peak;
  }

  get value(): number {
    return this.#value;
  }
}
