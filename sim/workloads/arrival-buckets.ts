/**
 * The FGD paper's headline curve: GPU allocation ratio against arrived workload. After every
 * pod event the run records the GPU milli that has arrived so far (failed pods included) and
 * the GPU milli allocated; the event lands in bucket round(100 × arrived / capacity), and each
 * bucket reports the mean allocation ratio of its events.
 */
export class ArrivalBuckets {
  private readonly sums: number[] = [];
  private readonly counts: number[] = [];

  constructor(private readonly capacityMilli: number) {
    if (!(capacityMilli > 0)) throw new RangeError(`capacityMilli must be > 0, got ${capacityMilli}`);
  }

  /** Arrival percentage of an arrived amount: round(arrived / (capacity / 100)). */
  bucketOf(arrivedMilli: number): number {
    return Math.round(arrivedMilli / (this.capacityMilli / 100));
  }

  record(arrivedMilli: number, allocatedMilli: number): void {
    const bucket = this.bucketOf(arrivedMilli);
    while (this.sums.length <= bucket) {
      this.sums.push(0);
      this.counts.push(0);
    }
    this.sums[bucket] += allocatedMilli / this.capacityMilli;
    this.counts[bucket]++;
  }

  /** Mean allocation ratio (0..1) per bucket 0..max(last bucket seen, minLength − 1); null where no event fell. */
  means(minLength = 0): (number | null)[] {
    const length = Math.max(minLength, this.sums.length);
    return Array.from({ length }, (_, i) => (this.counts[i] > 0 ? this.sums[i] / this.counts[i] : null));
  }
}
