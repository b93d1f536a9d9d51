/**
 * The operator's config, schema-first: this one zod schema gives the TypeScript type, the
 * defaults and the validation (unknown keys are errors). config/tierfit.yaml documents it.
 */
import { z } from "zod";
import { DEFAULT_PRODUCT_MEMORY_MIB } from "./gpu-products.js";

export const SIGNAL_NAMES = [
  "gpuMemory",
  "isolationTier",
  "liveDemand",
  "fragmentation",
  "resourcesFit",
  "stranding",
  "consolidation",
] as const;
export type SignalName = (typeof SIGNAL_NAMES)[number];

export const GPU_SHARING_MODES = ["exclusive", "mig", "shared"] as const;
export type GpuSharingMode = (typeof GPU_SHARING_MODES)[number];

const kubeName = z.string().regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, "a lower-case DNS-style name");

const nodeLabelSchema = z.strictObject({
  label: z.string().min(1),
  /** Required label value; omitted = the label being present is enough. */
  value: z.string().optional(),
});

export const tierSchema = z.strictObject({
  name: kubeName,
  /** RuntimeClass names (or `*` globs such as `kata-*`) that give a pod this tier. */
  runtimeClasses: z.array(z.string().min(1)).default([]),
  /**
   * How a physical GPU may be shared at this tier: `exclusive` whole GPUs only, shared with no
   * pod (passthrough into a VM); `mig` across tenants only through MIG slices (hardware
   * partitions), memory shares of a whole GPU with the pod's own tenant only; `shared` memory
   * shares (time-slicing, MPS), across tenants only with shareDevicesAcrossTenants.
   */
  gpuSharing: z.enum(GPU_SHARING_MODES).default("shared"),
  /** With gpuSharing `shared`: whether pods of different tenants may share one physical GPU. */
  shareDevicesAcrossTenants: z.boolean().default(false),
  /** Node labels the runtimes of this tier publish: a node carrying one offers the tier. */
  nodeLabels: z.array(nodeLabelSchema).default([]),
});

const runtimeLabelSchema = z.strictObject({
  label: z.string().min(1),
  /** Required label value; omitted = the label being present is enough. */
  value: z.string().optional(),
  tier: kubeName,
});

const workloadClassSchema = z.strictObject({
  /** fill: least expected waste for the typical pods; binpack: the fullest device that fits; spread: the emptiest. */
  gpuPacking: z.enum(["fill", "binpack", "spread"]),
});

const typicalPodSchema = z.strictObject({
  /** CPU cores as a Kubernetes quantity ("4", "500m"). */
  cpu: z.string().default("0"),
  gpuCount: z.number().int().min(0).max(64),
  /** Share of each device in thousandths (1000 = whole device). */
  gpuMilli: z.number().int().min(1).max(1000).default(1000),
  weight: z.number().positive(),
});

/** A weight left out keeps its default, so `weights: { liveDemand: 5 }` changes one signal only. */
const DEFAULT_WEIGHTS: Record<SignalName, number> = {
  gpuMemory: 3,
  isolationTier: 2,
  liveDemand: 2,
  fragmentation: 2,
  resourcesFit: 1,
  stranding: 0,
  consolidation: 0,
};

/** One level of the ranked combination (src/scoring/ranked.ts). */
const rankLevelSchema = z.strictObject({
  signal: z.enum(SIGNAL_NAMES),
  /** Width of the bands the signal's 0..10 score is cut into; 0 = the exact score (last level only). */
  step: z.number().min(0).max(10),
});

/** The default ranking; config/tierfit.yaml explains each level. */
export const DEFAULT_RANKED = [
  { signal: "isolationTier", step: 5 },
  { signal: "liveDemand", step: 5 },
  { signal: "stranding", step: 2 },
  { signal: "consolidation", step: 1 },
  { signal: "gpuMemory", step: 0.05 },
  { signal: "fragmentation", step: 0 },
] as const satisfies readonly { signal: SignalName; step: number }[];

const weightsSchema = z.strictObject(
  Object.fromEntries(SIGNAL_NAMES.map((s) => [s, z.number().min(0).max(100).default(DEFAULT_WEIGHTS[s])])) as Record<
    SignalName,
    z.ZodDefault<z.ZodNumber>
  >,
);

/**
 * Weakest → strongest: what runc gives, a user-space kernel (gVisor), a VM per pod (Kata, Edera).
 * No default tier shares a GPU's memory across tenants: Kata's NVIDIA GPU support passes whole
 * GPUs through (gpu.passthrough), and MIG slices are the hardware-isolated way to share.
 */
const DEFAULT_TIERS = [
  {
    name: "shared-kernel",
    runtimeClasses: ["runc"],
    gpuSharing: "shared",
    shareDevicesAcrossTenants: false,
    nodeLabels: [],
  },
  {
    name: "sandboxed",
    runtimeClasses: ["gvisor", "runsc", "gvisor-*"],
    gpuSharing: "shared",
    shareDevicesAcrossTenants: false,
    // GKE Sandbox node pools.
    nodeLabels: [{ label: "sandbox.gke.io/runtime", value: "gvisor" }],
  },
  {
    name: "hypervisor",
    runtimeClasses: ["kata", "kata-*", "edera"],
    gpuSharing: "mig",
    shareDevicesAcrossTenants: false,
    // Edera nodes; NVIDIA GPU Operator nodes set up for Kata GPU passthrough.
    nodeLabels: [
      { label: "runtime", value: "edera" },
      { label: "nvidia.com/gpu.workload.config", value: "vm-passthrough" },
    ],
  },
] satisfies z.input<typeof tierSchema>[];

/** Nodes whose GPUs are only ever given whole to one VM: NVIDIA Kata passthrough, confidential computing. */
const DEFAULT_PASSTHROUGH_NODE_LABELS = [
  { label: "nvidia.com/gpu.workload.config", value: "vm-passthrough" },
  { label: "nvidia.com/cc.mode", value: "on" },
  { label: "nvidia.com/cc.mode", value: "ppcie" },
];

const demandForecastSchema = z.strictObject({
  /** How far ahead to forecast. */
  horizonSeconds: z.number().positive().default(900),
  /** Half-life of the EWMA and of the decaying histogram's sample weights. */
  halfLifeSeconds: z.number().positive().default(1800),
  /** Percentile (0..1) of the decaying-histogram method. */
  percentile: z.number().min(0).max(1).default(0.9),
  /** Season length for Holt-Winters (86400 = daily); null = no seasonal method. */
  seasonSeconds: z.number().positive().nullable().default(86400),
});

/** What one replica of a model needs; see src/metrics/forecast/capacity.ts for the sizing model. */
const modelProfileSchema = z.strictObject({
  weightsMiB: z.number().min(0),
  kvCacheMiBPerToken: z.number().positive(),
  maxTokensPerSecondPerGpu: z.number().positive(),
  maxConcurrentPerReplica: z.number().positive(),
  gpuMemoryMiB: z.number().positive(),
  tokensPerSecondPerRequest: z.number().positive().optional(),
});

const capacityReportSchema = z.strictObject({
  /** Peak use is taken over this window when suggesting fewer replicas. */
  windowSeconds: z.number().positive().default(3600),
  /** A device allocated to pods whose utilisation (0..1) is below this counts as idle, whatever memory it holds. */
  idleUtilisation: z.number().min(0).max(1).default(0.05),
  /** Memory kept above the observed peak when suggesting a replica count (0.2 = 20 %). */
  headroom: z.number().min(0).default(0.2),
});

export const redisSchema = z.strictObject({
  /** `redis://[user:pass@]host:port[/db]`, or `rediss://` for TLS. */
  url: z.string().min(1).default("redis://127.0.0.1:6379"),
  /** Every key tierfit reads or writes starts with this, so one Redis can serve several clusters. */
  keyPrefix: z.string().default("tierfit:"),
  connectTimeoutMs: z.number().int().positive().default(2000),
  /** A Redis command slower than this fails; the request path never waits on Redis anyway. */
  commandTimeoutMs: z.number().int().positive().default(1000),
  /** node-cron schedules, six fields with seconds first: snapshot refresh, forecasts, capacity report. */
  refreshCron: z.string().min(1).default("*/5 * * * * *"),
  forecastCron: z.string().min(1).default("30 * * * * *"),
  reportCron: z.string().min(1).default("0 */10 * * * *"),
  /** Telemetry and demand keys expire this long after their last write: longer than the staleness window, so a silent source shows as stale before its entries vanish. */
  telemetryTtlSeconds: z.number().int().positive().default(600),
  /** Per-model history for forecasting: at most one point per `historySampleSeconds`, about `historyLength` points kept (capped stream). */
  historySampleSeconds: z.number().int().positive().default(60),
  historyLength: z.number().int().positive().default(1440),
  historyTtlSeconds: z.number().int().positive().default(172_800),
  /** Capacity reports: the latest plus a capped list of earlier ones. */
  reportHistoryLength: z.number().int().positive().default(144),
  reportTtlSeconds: z.number().int().positive().default(604_800),
});

export const configSchema = z.strictObject({
  /** Ordered weakest → strongest. */
  tiers: z.array(tierSchema).min(1).default(DEFAULT_TIERS),
  tierSources: z
    .strictObject({
      nodeLabel: z.string().default("tierfit.io/isolation-tier"),
      podAnnotation: z.string().default("tierfit.io/isolation-tier"),
      /** Node labels that show which runtimes a node offers; the strongest match wins. */
      runtimeLabels: z.array(runtimeLabelSchema).default([]),
    })
    .prefault({}),
  tenancy: z
    .strictObject({
      /**
       * Namespaces (names or `*` globs) whose pods may narrow their tenant with the
       * `tierfit.io/tenant` label, to `<namespace>/<label>`. Elsewhere the label is ignored.
       */
      labelNarrowsIn: z.array(z.string().min(1)).default([]),
    })
    .prefault({}),
  gpu: z
    .strictObject({
      resourceName: z.string().default("nvidia.com/gpu"),
      memoryLabel: z.string().default("nvidia.com/gpu.memory"),
      productLabel: z.string().default("nvidia.com/gpu.product"),
      /** Per-device memory by product, used when a node has no memory label. */
      productMemoryMiB: z.record(z.string(), z.number().int().positive()).default({ ...DEFAULT_PRODUCT_MEMORY_MIB }),
      /** GPUs passed whole into a VM (NVIDIA's Kata GPU support, confidential computing). */
      passthrough: z
        .strictObject({
          /** RuntimeClass names or globs whose pods take whole physical GPUs, shared with no pod. */
          runtimeClasses: z.array(z.string().min(1)).default(["kata-qemu-nvidia-gpu", "kata-qemu-nvidia-gpu-*"]),
          /** Extended resource passthrough nodes advertise; a pod requesting it is exclusive too. */
          resourceName: z.string().min(1).default("nvidia.com/pgpu"),
          /** Node labels marking nodes whose GPUs are only given whole; any match is enough. */
          nodeLabels: z.array(nodeLabelSchema).default(DEFAULT_PASSTHROUGH_NODE_LABELS.map((l) => ({ ...l }))),
        })
        .prefault({}),
      /** DRA driver whose ResourceSlices list GPUs (NVIDIA's: gpu.nvidia.com). */
      draDriver: z.string().min(1).default("gpu.nvidia.com"),
      /**
       * DeviceClasses whose ResourceClaim requests are GPUs: a DRA pod's GPU need is the count and
       * `capacity.requests.memory` of its claims' requests of these classes (NVIDIA's DRA driver:
       * whole GPUs and MIG devices).
       */
      draDeviceClasses: z.array(z.string().min(1)).default(["gpu.nvidia.com", "mig.nvidia.com"]),
    })
    .prefault({}),
  workloadClasses: z
    .record(kubeName, workloadClassSchema)
    .default({ default: { gpuPacking: "fill" }, "latency-sensitive": { gpuPacking: "spread" } })
    .refine((c) => "default" in c, "must define the class `default`"),
  scoring: z
    .strictObject({
      /** ranked: level by level (`ranked`); weighted: the weighted mean (`weights`). */
      combine: z.enum(["ranked", "weighted"]).default("ranked"),
      ranked: z
        .array(rankLevelSchema)
        .min(1)
        .default(DEFAULT_RANKED.map((l) => ({ ...l }))),
      weights: weightsSchema.prefault({}),
      /** mathjs expression over the signal names, 0..10; replaces the other combinations when set. */
      expression: z.string().min(1).nullable().default(null),
    })
    .prefault({}),
  fragmentation: z
    .strictObject({
      /** The workload mix fragmentation is measured against (Weng et al., ATC'23 "typical pods"). */
      typicalPods: z.array(typicalPodSchema).min(1),
      /** Scale the typical GPU pods' CPU to what the cluster's GPU pods ask per GPU (src/scoring/learned-cpu.ts). */
      learnCpuPerGpu: z.boolean().default(true),
    })
    .prefault({
      typicalPods: [
        { cpu: "8", gpuCount: 1, gpuMilli: 1000, weight: 4 },
        { cpu: "4", gpuCount: 1, gpuMilli: 500, weight: 3 },
        { cpu: "2", gpuCount: 1, gpuMilli: 250, weight: 2 },
        { cpu: "32", gpuCount: 4, gpuMilli: 1000, weight: 0.5 },
        { cpu: "64", gpuCount: 8, gpuMilli: 1000, weight: 0.5 },
      ],
    }),
  demand: z
    .strictObject({
      /** An entry older than this is treated as missing. */
      staleAfterSeconds: z.number().positive().default(60),
      /** What a node whose live data is missing or stale gets: a neutral score (fail-open), the minimum, or rejection. */
      onStale: z.enum(["neutral", "minimum", "reject"]).default("neutral"),
      /** GPU utilisation (0..1) above which a node has no headroom left. */
      targetUtilisation: z.number().gt(0).max(1).default(0.85),
      /**
       * With fresh telemetry, a node is refused when the pod would lift a GPU it takes above this
       * share of the GPU's compute (its neighbours would slow down); null = never refuse on load.
       */
      maxUtilisation: z.number().gt(0).nullable().default(1),
      /** How each model's request rate is forecast from its history (src/metrics/forecast). */
      forecast: demandForecastSchema.prefault({}),
      /**
       * Pod label value → the model name its inference server reports (vLLM's `model_name`,
       * Triton's `model`), for names a label cannot hold (`meta-llama/Meta-Llama-3-8B-Instruct`).
       * The `tierfit.io/model` annotation takes any name and needs no alias.
       */
      modelAliases: z.record(z.string().min(1), z.string().min(1)).default({}),
      /** Serving profile per model (the server's model name): turns forecast load into GPU memory and compute. */
      profiles: z.record(z.string().min(1), modelProfileSchema).default({}),
      /** The periodic capacity report: allocated vs used GPUs, idle devices, right-sizing. */
      report: capacityReportSchema.prefault({}),
    })
    .prefault({}),
  /** Where live demand is kept (DESIGN §4): the bridge writes it, the extender reads it in the background. */
  redis: redisSchema.prefault({}),
  /** The extender's use of the Kubernetes API. */
  kube: z
    .strictObject({
      /** spec.schedulerName of the scheduler profiles that call tierfit: bind refuses any other pod. */
      schedulerNames: z.array(z.string().min(1)).min(1).default(["tierfit"]),
      /** Longest any API call may take (read at start); a bind makes at most three, well inside httpTimeout. */
      apiTimeoutMs: z.number().int().min(100).max(60_000).default(2000),
      /** Longest devices stay reserved for a bind whose outcome the API server has not shown. */
      bindGraceSeconds: z.number().positive().max(3600).default(60),
    })
    .prefault({}),
});

export type TierfitConfig = z.infer<typeof configSchema>;
export type TierConfig = z.infer<typeof tierSchema>;
export type TypicalPodConfig = z.infer<typeof typicalPodSchema>;
export type RankLevel = z.infer<typeof rankLevelSchema>;
export type RedisConfig = z.infer<typeof redisSchema>;
export type DemandConfig = TierfitConfig["demand"];
