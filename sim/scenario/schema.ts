/**
 * A simulation scenario, schema-first like the config: one zod schema gives the types, defaults
 * and validation (unknown keys are errors). A scenario names its kind, the policies and seeds to
 * run, the tierfit config the core runs with, and one section per part of its kind; which
 * sections a kind needs is checked by sectionProblems, so every problem is reported with its path.
 * config/scenarios/*.yaml document every field.
 */
import { z } from "zod";
import { GPU_SIZES } from "../workloads/synthetic.js";
import { fleetSchema } from "./fleet-schema.js";

export const SCENARIO_KINDS = ["openb-fgd", "openb-timed", "inference", "synthetic", "fleet"] as const;
export type ScenarioKind = (typeof SCENARIO_KINDS)[number];

/** How an inference service's replica count is set: fixed for the peak, or following the forecast. */
export const SCALING_MODES = ["static-peak", "forecast"] as const;
export type ScalingMode = (typeof SCALING_MODES)[number];

const name = z.string().regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, "a lower-case DNS-style name");
const path = z.string().min(1);
const positive = z.number().positive();

const diurnalSchema = z.strictObject({
  /** 0 = flat; 1 = from nothing at the trough to twice the mean at the peak. */
  amplitude: z.number().min(0).max(1).default(0),
  /** Hour of the day (0..24) when the rate peaks; t = 0 is midnight. */
  peakHour: z.number().min(0).max(24).default(14),
});

const nodeGroupSchema = z.strictObject({
  name,
  count: z.number().int().min(1),
  gpus: z.number().int().min(0).max(64),
  product: z.string().min(1).default("NVIDIA-A100-SXM4-80GB"),
  gpuMemoryMiB: z.number().int().positive().optional(),
  tier: z.string().min(1),
  /** GPUs passed through whole to VMs (NVIDIA Kata passthrough: vm-passthrough label, nvidia.com/pgpu). */
  passthrough: z.boolean().optional(),
  cpu: positive.default(96),
  memoryGiB: positive.default(768),
  pods: z.number().int().positive().default(110),
});

const clusterSchema = z.strictObject({
  nodes: z.array(nodeGroupSchema).min(1),
});

const openbSchema = z.strictObject({
  nodes: path,
  pods: path,
  /** Per-device memory of GPU models the config does not know (G1/G2/G3 are assumed 32 GiB). */
  gpuMemoryMiB: z.record(z.string().min(1), z.number().int().positive()).default({}),
  /** Only the first N nodes / pods of the lists, for a reduced run. */
  firstNodes: z.number().int().positive().optional(),
  firstPods: z.number().int().positive().optional(),
});

const fgdSchema = z.strictObject({
  /** Arrivals inflated to this multiple of GPU capacity by resampling; 0 = the list as it is. */
  inflation: z.number().min(0).default(1.3),
  typicalCoveragePercent: z.number().gt(0).max(100).default(95),
  /** Points kept in the per-run series (evenly over the arrivals). */
  seriesPoints: z.number().int().min(2).default(500),
});

const timedSchema = z.strictObject({
  /** Series sample interval, simulated seconds. */
  sampleSeconds: positive.default(3600),
});

const syntheticSchema = z.strictObject({
  arrivalsPerSecond: positive,
  durationSeconds: positive,
  maxPods: z.number().int().min(0).optional(),
  diurnal: diurnalSchema.prefault({}),
  batch: z.strictObject({ meanSize: z.number().min(1).default(1), sigma: z.number().min(0).default(0) }).prefault({}),
  gpuSizeMix: z.partialRecord(z.enum(GPU_SIZES), z.number().min(0)),
  tierMix: z.record(z.string().min(1), z.number().min(0)),
  /** Tiers whose pods run in a GPU-passthrough runtime (kata-qemu-nvidia-gpu, nvidia.com/pgpu): whole GPUs only. */
  passthroughTiers: z.array(z.string().min(1)).optional(),
  tenants: z.number().int().min(1),
  meanDurationSeconds: positive,
  milliCpuPerGpu: z.number().min(0).optional(),
  memoryMiBPerGpu: z.number().min(0).optional(),
});

const profileSchema = z.strictObject({
  weightsMiB: z.number().min(0),
  kvCacheMiBPerToken: positive,
  maxTokensPerSecondPerGpu: positive,
  maxConcurrentPerReplica: positive,
  tokensPerSecondPerRequest: positive.optional(),
  /** Device memory sizing assumes; the smallest device of the pool the service accepts when absent. */
  gpuMemoryMiB: positive.optional(),
});

const serviceSchema = z.strictObject({
  name,
  /** An Azure LLM inference trace CSV: its per-minute request pattern and token sizes. */
  trace: path,
  /** Mean requests/s over whole days. */
  meanRequestsPerSecond: positive,
  diurnal: diurnalSchema.prefault({}),
  tier: z.string().min(1),
  tenant: name,
  profile: profileSchema,
  /** Per replica: host cores and GiB. */
  cpu: positive.default(8),
  memoryGiB: positive.default(64),
  gpuProducts: z.array(z.string().min(1)).default([]),
  workloadClass: z.string().min(1).default("default"),
});

const inferenceSchema = z.strictObject({
  /** The measured span, after the warm-up. */
  durationSeconds: positive,
  /** Simulated before measuring, so forecasts have history (not counted in any metric). */
  warmupSeconds: z.number().min(0).default(86_400),
  /** Load resolution: the trace is binned at this width. */
  binSeconds: positive.default(60),
  sampleSeconds: positive.default(300),
  /** Scaling for a policy listed without `+<scaling>`. */
  scaling: z.enum(SCALING_MODES).default("static-peak"),
  staticPeak: z.strictObject({ headroom: z.number().min(0).default(0) }).prefault({}),
  forecast: z
    .strictObject({
      intervalSeconds: positive.default(300),
      horizonSeconds: positive.default(900),
      halfLifeSeconds: positive.default(3600),
      seasonSeconds: positive.nullable().default(86_400),
      headroom: z.number().min(0).default(0.1),
      historySeconds: positive.default(172_800),
      historyStepSeconds: positive.default(300),
      backtestPoints: z.number().int().min(5).default(24),
    })
    .prefault({}),
  smallestCluster: z
    .strictObject({ enabled: z.boolean().default(false), sloBudgetSeconds: z.number().min(0).default(0) })
    .prefault({}),
  services: z.array(serviceSchema).min(1),
});

export const scenarioSchema = z.strictObject({
  name,
  description: z.string().min(1),
  kind: z.enum(SCENARIO_KINDS),
  /** Policy names; inference runs may add `+static-peak` or `+forecast`. */
  policies: z.array(z.string().min(1)).min(1),
  seeds: z.array(z.number().int().min(0)).min(1),
  /** A tierfit config file (relative to the scenario) or the config inline; the defaults when absent. */
  config: z.unknown().optional(),
  openb: openbSchema.optional(),
  fgd: fgdSchema.optional(),
  timed: timedSchema.optional(),
  cluster: clusterSchema.optional(),
  synthetic: syntheticSchema.optional(),
  inference: inferenceSchema.optional(),
  fleet: fleetSchema.optional(),
});

export const sectionSchemas = {
  openb: openbSchema,
  fgd: fgdSchema,
  timed: timedSchema,
  cluster: clusterSchema,
  synthetic: syntheticSchema,
  inference: inferenceSchema,
  fleet: fleetSchema,
} as const;
export type SectionName = keyof typeof sectionSchemas;

/** Sections each kind requires and may have (the rest are errors). */
export const KIND_SECTIONS: Readonly<
  Record<ScenarioKind, { required: readonly SectionName[]; optional: readonly SectionName[] }>
> = {
  "openb-fgd": { required: ["openb"], optional: ["fgd"] },
  "openb-timed": { required: ["openb"], optional: ["timed"] },
  synthetic: { required: ["cluster", "synthetic"], optional: ["timed"] },
  inference: { required: ["cluster", "inference"], optional: [] },
  fleet: { required: ["cluster", "fleet"], optional: [] },
};

export type RawScenario = z.infer<typeof scenarioSchema>;
export type NodeGroupSection = z.infer<typeof nodeGroupSchema>;
export type ClusterSection = z.infer<typeof clusterSchema>;
export type OpenbSection = z.infer<typeof openbSchema>;
export type FgdSection = z.infer<typeof fgdSchema>;
export type TimedSection = z.infer<typeof timedSchema>;
export type SyntheticSection = z.infer<typeof syntheticSchema>;
export type InferenceSection = z.infer<typeof inferenceSchema>;
export type ServiceSection = z.infer<typeof serviceSchema>;
export type DiurnalSection = z.infer<typeof diurnalSchema>;
