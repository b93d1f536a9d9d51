/**
 * Peak GPU memory each model actually used over a sliding window, kept in memory from the
 * snapshot refreshes: one maximum per minute per model, so a day of 1,000 models stays small.
 * A restart forgets it; reports then state the shorter window they saw.
 */
const BUCKET_MS = 60_000;

export interface UsagePeak {
  readonly peakMiB: number;
  /** How much of the window was actually observed, ms. */
  readonly observedMs: number;
}

export class UsageTracker {
  private readonly buckets = new Map<string, Map<number, number>>();
  private firstAt: number | null = null;

  constructor(private readonly windowMs: number) {}

  observe(at: number, usedMiBByModel: ReadonlyMap<string, number>): void {
    this.firstAt ??= at;
    const bucket = Math.floor(at / BUCKET_MS);
    for (const [model, used] of usedMiBByModel) {
      let b = this.buckets.get(model);
      if (b === undefined) {
        b = new Map();
        this.buckets.set(model, b);
      }
      b.set(bucket, Math.max(b.get(bucket) ?? 0, used));
    }
    this.prune(at);
  }

  /** The model's peak within the window ending at `now`; null when it was never observed. */
  peak(model: string, now: number): UsagePeak | null {
    const b = this.buckets.get(model);
    if (b === undefined || this.firstAt === null) return null;
    const oldest = Math.floor((now - this.windowMs) / BUCKET_MS);
    let peakMiB: number | null = null;
    for (const [bucket, used] of b) if (bucket >= oldest) peakMiB = Math.max(peakMiB ?? 0, used);
    if (peakMiB === null) return null;
    return { peakMiB, observedMs: Math.min(this.windowMs, now - this.firstAt) };
  }

  private prune(now: number): void {
    const oldest = Math.floor((now - this.windowMs) / BUCKET_MS);
    for (const [model, b] of this.buckets) {
      for (const bucket of b.keys()) if (bucket < oldest) b.delete(bucket);
      if (b.size === 0) this.buckets.delete(model);
    }
  }
}
