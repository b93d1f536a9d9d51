/**
 * Counters → per-second rates between consecutive successful scrapes of a target, kept in
 * memory. A counter that drops has been reset (the server restarted): that scrape becomes the new
 * baseline and the series has no rate this round, never a negative one. A series that appears on
 * a target scraped before counted from zero in between (a label value seen for the first time).
 */
export class CounterRates {
  private readonly targets = new Map<string, { at: number; values: ReadonlyMap<string, number> }>();

  /** Rates (per second) of every series of `target` scraped at `at`; null = unknown this round. */
  observe(target: string, at: number, values: ReadonlyMap<string, number>): Map<string, number | null> {
    const prev = this.targets.get(target);
    const rates = new Map<string, number | null>();
    for (const [id, value] of values) rates.set(id, prev === undefined ? null : rate(prev, id, value, at));
    this.targets.set(target, { at, values: new Map(values) });
    return rates;
  }

  /** Drops targets not scraped since `before` (removed from the bridge's list, say). */
  forgetOlderThan(before: number): void {
    for (const [target, entry] of this.targets) if (entry.at < before) this.targets.delete(target);
  }
}

function rate(prev: { at: number; values: ReadonlyMap<string, number> }, id: string, value: number, at: number) {
  const seconds = (at - prev.at) / 1000;
  if (!(seconds > 0)) return null;
  const before = prev.values.get(id) ?? 0;
  if (value < before) return null;
  return (value - before) / seconds;
}
