/**
 * The FGD paper's curves, collected from arrival events: after each arrival, the allocation ratio
 * against the workload arrived so far (ArrivalBuckets), and the cluster's fragmentation the
 * first time arrivals reach a given share of capacity (100 % in the paper's tables).
 */
import type { EventType, Kernel } from "../engine/kernel.js";
import { ArrivalBuckets } from "../workloads/arrival-buckets.js";

export interface ArrivalProbe {
  /** GPU milli of every pod arrived so far, failed ones included. */
  arrivedMilli(): number;
  allocatedMilli(): number;
}

export class ArrivalCurveCollector {
  readonly buckets: ArrivalBuckets;

  constructor(
    capacityMilli: number,
    private readonly probe: ArrivalProbe,
    private readonly arrival: EventType<number>,
  ) {
    this.buckets = new ArrivalBuckets(capacityMilli);
  }

  attach(kernel: Kernel): () => void {
    return kernel.observe((type) => {
      if (type === this.arrival) this.buckets.record(this.probe.arrivedMilli(), this.probe.allocatedMilli());
    });
  }
}

/** Takes a reading once, after the first arrival whose arrived share reaches `percent` of capacity. */
export class ArrivalMilestone<T> {
  #reading: T | null = null;

  constructor(
    private readonly percent: number,
    private readonly buckets: ArrivalBuckets,
    private readonly probe: ArrivalProbe,
    private readonly arrival: EventType<number>,
    private readonly read: () => T,
  ) {}

  attach(kernel: Kernel): () => void {
    return kernel.observe((type) => {
      if (this.#reading !== null || type !== this.arrival) return;
      if (this.buckets.bucketOf(this.probe.arrivedMilli()) >= this.percent) this.#reading = this.read();
    });
  }

  /** null when arrivals never reached the milestone. */
  get reading(): T | null {
    return this.#reading;
  }
}
