/**
 * SLO shortfall of inference services, from the kernel's events: after every event it reads each
 * service's demanded and served request rates; a service whose load exceeds what its replicas
 * serve is in violation until the next event that changes that. Violation time is summed over
 * services (service-seconds), and unserved requests are counted.
 */
import type { Kernel } from "../engine/kernel.js";
import { StepIntegral } from "./step-integral.js";

export interface SloProbe {
  readonly services: number;
  demandRps(service: number): number;
  servedRps(service: number): number;
}

export interface SloTotals {
  /** Per service: seconds in violation. */
  readonly violationSeconds: readonly number[];
  readonly unservedRequests: number;
  readonly demandedRequests: number;
}

/** Unserved load below this share of demand is float noise, not a violation. */
const TOLERANCE = 1e-9;

export class SloCollector {
  readonly #violating: StepIntegral[];
  readonly #unserved: StepIntegral;
  readonly #demand: StepIntegral;

  constructor(
    private readonly probe: SloProbe,
    from = 0,
  ) {
    this.#violating = Array.from({ length: probe.services }, () => new StepIntegral(from));
    this.#unserved = new StepIntegral(from);
    this.#demand = new StepIntegral(from);
  }

  attach(kernel: Kernel): () => void {
    return kernel.observe((_type, _payload, k) => this.sample(k.now));
  }

  sample(now: number): void {
    let unserved = 0;
    let demand = 0;
    for (let i = 0; i < this.probe.services; i++) {
      const d = this.probe.demandRps(i);
      const gap = d - this.probe.servedRps(i);
      const short = gap > TOLERANCE * Math.max(1, d) ? gap : 0;
      this.#violating[i].set(now, short > 0 ? 1 : 0);
      unserved += short;
      demand += d;
    }
    this.#unserved.set(now, unserved);
    this.#demand.set(now, demand);
  }

  finish(end: number): SloTotals {
    for (const v of this.#violating) v.advance(end);
    this.#unserved.advance(end);
    this.#demand.advance(end);
    return {
      violationSeconds: this.#violating.map((v) => v.total),
      unservedRequests: this.#unserved.total,
      demandedRequests: this.#demand.total,
    };
  }
}
