/**
 * A synthetic GPU workload for scenarios the traces do not cover: pods arrive as a
 * non-homogeneous Poisson process of batches, with a daily cycle, log-normal batch sizes,
 * a GPU-size mix, a tier mix and tenants, and stay an exponentially distributed time.
 *
 * It is a generator: pods come out in arrival order, one at a time, so a million-pod run never
 * holds them all. Each aspect draws from its own random stream (seed, aspect), so changing
 * e.g. the tier mix leaves arrival times, sizes and durations exactly as they were.
 */
import { TierfitError } from "../../src/errors.js";
import { Random } from "../random.js";
import { checkDiurnalShape, type DiurnalShape, diurnalFactor } from "./diurnal.js";

/** GPU sizes a pod may ask for: a quarter or half of one device, or whole devices. */
export const GPU_SIZES = ["1/4", "1/2", "1", "2", "4", "8"] as const;
export type GpuSize = (typeof GPU_SIZES)[number];

const SIZE_SHAPE: Record<GpuSize, { gpuCount: number; gpuMilli: number }> = {
  "1/4": { gpuCount: 1, gpuMilli: 250 },
  "1/2": { gpuCount: 1, gpuMilli: 500 },
  "1": { gpuCount: 1, gpuMilli: 1000 },
  "2": { gpuCount: 2, gpuMilli: 1000 },
  "4": { gpuCount: 4, gpuMilli: 1000 },
  "8": { gpuCount: 8, gpuMilli: 1000 },
};

export interface SyntheticWorkload {
  readonly seed: number;
  /** Mean pods per second, averaged over whole days. */
  readonly arrivalsPerSecond: number;
  /** No pod arrives at or after this time (seconds); Infinity to stop on maxPods alone. */
  readonly durationSeconds: number;
  /** Stop after this many pods. */
  readonly maxPods?: number;
  /** Daily cycle of the arrival rate; amplitude 0 for a flat rate. t = 0 is midnight. */
  readonly diurnal: DiurnalShape;
  /**
   * Burstiness: pods arrive in batches (a scale-out of one workload: same tenant, tier and
   * GPU size), batch sizes max(1, round(X)) with X log-normal of mean `meanSize` and log-sd
   * `sigma`. meanSize 1 with sigma 0 is a plain Poisson process; larger sigma, heavier bursts.
   * Rounding makes the realised mean batch size approximate.
   */
  readonly batch: { readonly meanSize: number; readonly sigma: number };
  /** Relative weight of each GPU size; sizes left out never occur. */
  readonly gpuSizeMix: Partial<Record<GpuSize, number>>;
  /** Relative weight of each isolation tier (config tier names). */
  readonly tierMix: Readonly<Record<string, number>>;
  /** Tiers whose pods take whole GPUs through a passthrough runtime (absent = none). */
  readonly passthroughTiers?: readonly string[];
  /** Tenants `tenant-00` … are drawn uniformly per batch. */
  readonly tenants: number;
  /** Mean of the exponential time a pod stays. */
  readonly meanDurationSeconds: number;
  /** CPU and memory requested per GPU (a fractional pod gets its fraction); defaults 8 cores, 32 GiB. */
  readonly milliCpuPerGpu?: number;
  readonly memoryMiBPerGpu?: number;
}

export interface SyntheticPod {
  /** `synthetic-<n>`, n counting from 0 in arrival order. */
  readonly name: string;
  readonly arrivalTime: number;
  readonly durationSeconds: number;
  readonly departureTime: number;
  readonly gpuCount: number;
  /** Thousandths of each device (250 and 500 for the fractional sizes). */
  readonly gpuMilli: number;
  readonly tier: string;
  readonly tenant: string;
  readonly milliCpu: number;
  readonly memoryMiB: number;
  /** Index of the batch the pod arrived in. */
  readonly batch: number;
}

export function* syntheticPods(workload: SyntheticWorkload): Generator<SyntheticPod> {
  const w = validated(workload);
  const sizeNames = GPU_SIZES.filter((s) => (w.gpuSizeMix[s] ?? 0) > 0);
  const sizeWeights = sizeNames.map((s) => w.gpuSizeMix[s] as number);
  // Sorted, so the draw a tier gets does not depend on how the mix object was written.
  const tierNames = Object.keys(w.tierMix)
    .filter((t) => w.tierMix[t] > 0)
    .sort();
  const tierWeights = tierNames.map((t) => w.tierMix[t]);
  const digits = String(Math.max(0, w.tenants - 1)).length;
  const milliCpuPerGpu = w.milliCpuPerGpu ?? 8000;
  const memoryMiBPerGpu = w.memoryMiBPerGpu ?? 32_768;
  const maxPods = w.maxPods ?? Number.POSITIVE_INFINITY;

  const arrivals = Random.stream(w.seed, "synthetic/arrivals");
  const batchSizes = Random.stream(w.seed, "synthetic/batch-size");
  const sizes = Random.stream(w.seed, "synthetic/gpu-size");
  const tiers = Random.stream(w.seed, "synthetic/tier");
  const tenants = Random.stream(w.seed, "synthetic/tenant");
  const durations = Random.stream(w.seed, "synthetic/duration");

  // Thinning (Lewis & Shedler): candidates at the peak batch rate, each kept with
  // probability rate(t) / peak rate.
  const batchRate = w.arrivalsPerSecond / w.batch.meanSize;
  const peakRate = batchRate * (1 + w.diurnal.amplitude);
  const mu = Math.log(w.batch.meanSize) - (w.batch.sigma * w.batch.sigma) / 2;

  let t = 0;
  let emitted = 0;
  for (let batch = 0; emitted < maxPods; ) {
    t += arrivals.exponential(peakRate);
    if (t >= w.durationSeconds) return;
    if (arrivals.next() * peakRate >= batchRate * diurnalFactor(t, w.diurnal)) continue;
    const count = Math.max(1, Math.round(batchSizes.logNormal(mu, w.batch.sigma)));
    const shape = SIZE_SHAPE[sizeNames[sizes.weightedIndex(sizeWeights)]];
    const tier = tierNames[tiers.weightedIndex(tierWeights)];
    const tenant = `tenant-${String(tenants.int(w.tenants)).padStart(digits, "0")}`;
    const gpus = (shape.gpuCount * shape.gpuMilli) / 1000;
    for (let i = 0; i < count && emitted < maxPods; i++) {
      const durationSeconds = durations.exponential(1 / w.meanDurationSeconds);
      yield {
        name: `synthetic-${emitted}`,
        arrivalTime: t,
        durationSeconds,
        departureTime: t + durationSeconds,
        gpuCount: shape.gpuCount,
        gpuMilli: shape.gpuMilli,
        tier,
        tenant,
        milliCpu: Math.round(gpus * milliCpuPerGpu),
        memoryMiB: Math.round(gpus * memoryMiBPerGpu),
        batch,
      };
      emitted++;
    }
    batch++;
  }
}

function validated(w: SyntheticWorkload): SyntheticWorkload {
  const bad = (what: string): never => {
    throw new TierfitError("TF_ERR_CONFIG", `synthetic workload: ${what}`);
  };
  if (!Number.isSafeInteger(w.seed)) bad(`seed must be an integer, got ${w.seed}`);
  if (!(w.arrivalsPerSecond > 0) || !Number.isFinite(w.arrivalsPerSecond)) {
    bad(`arrivalsPerSecond must be > 0, got ${w.arrivalsPerSecond}`);
  }
  if (!(w.durationSeconds > 0)) bad(`durationSeconds must be > 0, got ${w.durationSeconds}`);
  if (w.maxPods !== undefined && !(Number.isInteger(w.maxPods) && w.maxPods >= 0)) {
    bad(`maxPods must be a whole number ≥ 0, got ${w.maxPods}`);
  }
  if (!Number.isFinite(w.durationSeconds) && w.maxPods === undefined) {
    bad("an infinite durationSeconds needs maxPods, or the workload never ends");
  }
  try {
    checkDiurnalShape(w.diurnal);
  } catch (err) {
    bad((err as Error).message);
  }
  if (!(w.batch.meanSize >= 1) || !Number.isFinite(w.batch.meanSize)) {
    bad(`batch.meanSize must be ≥ 1, got ${w.batch.meanSize}`);
  }
  if (!(w.batch.sigma >= 0) || !Number.isFinite(w.batch.sigma)) bad(`batch.sigma must be ≥ 0, got ${w.batch.sigma}`);
  for (const [key, weight] of Object.entries(w.gpuSizeMix)) {
    if (!(GPU_SIZES as readonly string[]).includes(key))
      bad(`gpuSizeMix has unknown size "${key}" (sizes: ${GPU_SIZES.join(", ")})`);
    if (!((weight as number) >= 0)) bad(`gpuSizeMix["${key}"] must be ≥ 0, got ${weight}`);
  }
  if (!GPU_SIZES.some((s) => (w.gpuSizeMix[s] ?? 0) > 0)) bad("gpuSizeMix needs at least one size with weight > 0");
  for (const [tier, weight] of Object.entries(w.tierMix)) {
    if (!(weight >= 0)) bad(`tierMix["${tier}"] must be ≥ 0, got ${weight}`);
  }
  if (!Object.values(w.tierMix).some((x) => x > 0)) bad("tierMix needs at least one tier with weight > 0");
  if (!(Number.isInteger(w.tenants) && w.tenants >= 1)) bad(`tenants must be a whole number ≥ 1, got ${w.tenants}`);
  if (!(w.meanDurationSeconds > 0) || !Number.isFinite(w.meanDurationSeconds)) {
    bad(`meanDurationSeconds must be > 0, got ${w.meanDurationSeconds}`);
  }
  for (const key of ["milliCpuPerGpu", "memoryMiBPerGpu"] as const) {
    const v = w[key];
    if (v !== undefined && !(v >= 0 && Number.isFinite(v))) bad(`${key} must be ≥ 0, got ${v}`);
  }
  return w;
}
