/**
 * The `fleet` section of a scenario: many inference services, their serving profiles (a model on
 * a GPU product, with tensor parallelism), how replicas are scaled (static-peak, an HPA-like
 * reactive loop, or tierfit's forecast), model cold starts and node provisioning. Documented
 * field by field in config/scenarios/inference-fleet.yaml.
 */
import { z } from "zod";

/** Replica scaling modes of a fleet run, the `+<mode>` of a policy label. */
export const FLEET_SCALING_MODES = ["static-peak", "reactive", "forecast"] as const;
export type FleetScalingMode = (typeof FLEET_SCALING_MODES)[number];

const name = z.string().regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, "a lower-case DNS-style name");
const positive = z.number().positive();
const fraction = z.number().gt(0).max(1);

/** A model served on one GPU product: what one replica holds and how fast it serves. */
const profileSchema = z.strictObject({
  /** Parameters, billions. */
  paramsBillion: positive,
  /** Bytes per parameter of the served weights: 2 for fp16/bf16, 1 for fp8. */
  bytesPerParam: positive.default(2),
  /** KV cache per token of context, MiB, all layers: 2 (K and V) × layers × KV heads × head size × bytes. */
  kvCacheMiBPerToken: positive,
  /** GPUs one replica spans (tensor parallelism); weights and KV cache are split evenly over them. */
  gpusPerReplica: z.number().int().min(1).max(8),
  /** The GPU product the profile is measured on (GPU Feature Discovery's name). */
  product: z.string().min(1),
  /** Generated tokens/s one replica sustains at full batch (decode). */
  decodeTokensPerSecond: positive,
  /** Prompt tokens/s one replica processes (prefill); a request costs prompt/prefill + output/decode of replica time. */
  prefillTokensPerSecond: positive,
  /** Requests one replica runs at once (vLLM's max_num_seqs). */
  maxConcurrent: z.number().int().positive(),
  /** Host cores and GiB per replica. */
  cpu: positive.default(8),
  memoryGiB: positive.default(64),
});

const serviceSchema = z.strictObject({
  name,
  /** A key of `profiles`. */
  profile: z.string().min(1),
  tenant: name,
  tier: z.string().min(1),
  /** An Azure LLM inference trace CSV: its per-minute request pattern and token sizes. */
  trace: z.string().min(1),
  /** Mean requests/s over whole weekdays. */
  meanRequestsPerSecond: positive,
  /** Daily cycle: 0 = flat, 1 = from nothing to twice the mean; hour of the peak (its users' time zone). */
  diurnal: z
    .strictObject({ amplitude: z.number().min(0).max(1).default(0.5), peakHour: z.number().min(0).max(24) })
    .prefault({ peakHour: 14 }),
  /** Load on Saturdays and Sundays as a share of the weekday load (the run starts on a Monday). */
  weekendFactor: z.number().min(0).max(2).default(1),
  /** Replicas kept at least (the HPA's minReplicas); static-peak never goes below it either. */
  minReplicas: z.number().int().min(1).default(1),
  workloadClass: z.string().min(1).default("default"),
});

export const fleetSchema = z.strictObject({
  /** The measured span, after the warm-up. */
  durationSeconds: positive,
  /** Simulated before measuring (forecast history; not counted in any metric). */
  warmupSeconds: z.number().min(0).default(172_800),
  /** Load resolution: the trace is binned at this width. */
  binSeconds: positive.default(60),
  /** Scaling loop period: the HPA's --horizontal-pod-autoscaler-sync-period. */
  tickSeconds: positive.default(15),
  /** Series sample interval (charts, CSV). */
  sampleSeconds: positive.default(600),
  nodes: z
    .strictObject({
      /** From asking for a node to its first replica starting to load (cloud VM boot, driver, kubelet). */
      provisioningSeconds: z.number().min(0).default(300),
      /** An empty node is released after this long without a replica (cluster-autoscaler's scale-down-unneeded-time). */
      drainSeconds: z.number().min(0).default(600),
    })
    .prefault({}),
  coldStart: z
    .strictObject({
      /** Weights read into GPU memory per replica, MiB/s. */
      bandwidthMiBPerSecond: positive.default(1000),
      /** Container start and engine initialisation before the weights load, seconds. */
      startupSeconds: z.number().min(0).default(30),
    })
    .prefault({}),
  /** Tiers whose runtime passes whole GPUs to a VM (Kata GPU passthrough): replicas there take whole devices. */
  passthroughTiers: z.array(z.string().min(1)).default([]),
  staticPeak: z.strictObject({ headroom: z.number().min(0).default(0) }).prefault({}),
  reactive: z
    .strictObject({
      /** Offered load per replica the loop aims at, as a share of one replica's capacity. */
      targetUtilisation: fraction.default(0.7),
      /** No change while |load / target − 1| is within this. */
      tolerance: z.number().min(0).default(0.1),
      /** Scale down to the largest recommendation of this window. */
      scaleDownStabilisationSeconds: z.number().min(0).default(300),
      /** Scale-up limit per sync: the larger of this percentage of current replicas and `scaleUpPods`. */
      scaleUpPercent: positive.default(100),
      scaleUpPods: z.number().int().positive().default(4),
    })
    .prefault({}),
  forecast: z
    .strictObject({
      /** History step: one point per step, the busiest bin's rate in it. */
      stepSeconds: positive.default(3600),
      /** History kept for the forecasters. */
      historySeconds: positive.default(259_200),
      halfLifeSeconds: positive.default(3600),
      seasonSeconds: positive.nullable().default(86_400),
      backtestPoints: z.number().int().min(5).default(12),
      /** Margin over the forecast, in the forecast's own backtest errors (mean absolute error). */
      errorMargins: z.number().min(0).default(1),
    })
    .prefault({}),
  profiles: z.record(name, profileSchema),
  services: z.array(serviceSchema).min(1),
});

export type FleetSection = z.infer<typeof fleetSchema>;
export type FleetProfile = z.infer<typeof profileSchema>;
export type FleetService = z.infer<typeof serviceSchema>;
