/** Pending times of pods: how long each waited between arriving and being placed (or giving up). */
export class WaitTimes {
  #values: number[] = [];
  #sum = 0;

  add(seconds: number): void {
    this.#values.push(seconds);
    this.#sum += seconds;
  }

  get count(): number {
    return this.#values.length;
  }

  mean(): number {
    return this.#values.length === 0 ? 0 : this.#sum / this.#values.length;
  }

  /** Nearest-rank percentile (p in 0..1): the smallest wait at least p of the pods did not exceed. */
  percentile(p: number): number {
    const n = this.#values.length;
    if (n === 0) return 0;
    const sorted = Float64Array.from(this.#values).sort();
    return sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))];
  }
}
