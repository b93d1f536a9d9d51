/**
 * GPU-hours provisioned, allocated and used, integrated over simulated time. The collector
 * subscribes to the kernel and, after every event, reads the new levels from a probe the run
 * provides: levels only change at events, so integrating the step function is exact.
 */
import type { Kernel } from "../engine/kernel.js";
import { StepIntegral } from "./step-integral.js";

/** Where the levels come from (the simulated cluster and, for inference, the load model). */
export interface UsageProbe {
  readonly tierCount: number;
  /** GPUs kept powered (nodes hosting at least one pod). */
  provisionedGpus(): number;
  /** GPUs allocated to pods (whole-GPU equivalents). */
  allocatedGpus(): number;
  /** GPUs the workload actually needs now. */
  usedGpus(): number;
  provisionedGpusOfTier(tier: number): number;
  usedGpusOfTier(tier: number): number;
}

export interface UsageTotals {
  readonly gpuHoursProvisioned: number;
  readonly gpuHoursAllocated: number;
  readonly gpuHoursUsed: number;
  readonly peakGpusProvisioned: number;
  readonly measuredSeconds: number;
  /** Per node tier. */
  readonly perTier: readonly { readonly gpuHoursProvisioned: number; readonly gpuHoursUsed: number }[];
}

const SECONDS_PER_HOUR = 3600;

export class UsageCollector {
  readonly #provisioned: StepIntegral;
  readonly #allocated: StepIntegral;
  readonly #used: StepIntegral;
  readonly #tierProvisioned: StepIntegral[];
  readonly #tierUsed: StepIntegral[];

  /** `from`: seconds before it (a warm-up) are not counted. */
  constructor(
    private readonly probe: UsageProbe,
    private readonly from = 0,
  ) {
    this.#provisioned = new StepIntegral(from);
    this.#allocated = new StepIntegral(from);
    this.#used = new StepIntegral(from);
    this.#tierProvisioned = Array.from({ length: probe.tierCount }, () => new StepIntegral(from));
    this.#tierUsed = Array.from({ length: probe.tierCount }, () => new StepIntegral(from));
  }

  /** Reads the levels after every event; returns the unsubscribe function. */
  attach(kernel: Kernel): () => void {
    return kernel.observe((_type, _payload, k) => this.sample(k.now));
  }

  sample(now: number): void {
    const p = this.probe;
    this.#provisioned.set(now, p.provisionedGpus());
    this.#allocated.set(now, p.allocatedGpus());
    this.#used.set(now, p.usedGpus());
    for (let t = 0; t < p.tierCount; t++) {
      this.#tierProvisioned[t].set(now, p.provisionedGpusOfTier(t));
      this.#tierUsed[t].set(now, p.usedGpusOfTier(t));
    }
  }

  /** Totals up to `end` (the run's last instant). */
  finish(end: number): UsageTotals {
    const all = [this.#provisioned, this.#allocated, this.#used, ...this.#tierProvisioned, ...this.#tierUsed];
    for (const integral of all) integral.advance(end);
    return {
      gpuHoursProvisioned: this.#provisioned.total / SECONDS_PER_HOUR,
      gpuHoursAllocated: this.#allocated.total / SECONDS_PER_HOUR,
      gpuHoursUsed: this.#used.total / SECONDS_PER_HOUR,
      peakGpusProvisioned: this.#provisioned.peak,
      measuredSeconds: Math.max(0, end - this.from),
      perTier: this.#tierProvisioned.map((p, t) => ({
        gpuHoursProvisioned: p.total / SECONDS_PER_HOUR,
        gpuHoursUsed: this.#tierUsed[t].total / SECONDS_PER_HOUR,
      })),
    };
  }
}

/** The headline figures of a usage total. overprovisioningRatio is left out when nothing was used. */
export function usageMetrics(u: UsageTotals): Record<string, number> {
  const out: Record<string, number> = {
    gpuHoursProvisioned: u.gpuHoursProvisioned,
    gpuHoursUsed: u.gpuHoursUsed,
    peakGpusProvisioned: u.peakGpusProvisioned,
  };
  if (u.gpuHoursUsed > 0) out.overprovisioningRatio = u.gpuHoursProvisioned / u.gpuHoursUsed;
  return out;
}

/** Per node tier (by config name): GPU-hours provisioned and used, and used / provisioned. */
export function perTierUsage(u: UsageTotals, tierNames: readonly string[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  u.perTier.forEach((t, i) => {
    const name = tierNames[i] ?? `tier-${i}`;
    out[name] = {
      gpuHoursProvisioned: t.gpuHoursProvisioned,
      gpuHoursUsed: t.gpuHoursUsed,
      gpuUtilisation: t.gpuHoursProvisioned > 0 ? t.gpuHoursUsed / t.gpuHoursProvisioned : 0,
    };
  });
  return out;
}
