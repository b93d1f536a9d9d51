/**
 * The operator's config, schema-first: this one zod schema gives the TypeScript type, the
 * defaults and the validation (unknown keys are errors). config/tierfit.yaml documents it.
 */
import { z } from "zod";

export const SIGNAL_NAMES = ["gpuMemory", "isolationTier", "liveDemand", "fragmentation", "resourcesFit"] as const;
export type SignalName = (typeof SIGNAL_NAMES)[number];

const kubeName = z.string().regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, "a lower-case DNS-style name");

export const tierSchema = z.strictObject({
  name: kubeName,
  /** RuntimeClass names (or `*` globs such as `kata-*`) that give a pod this tier. */
  runtimeClasses: z.array(z.string().min(1)).default([]),
  /** Whether pods of different tenants may share one physical GPU at this tier (VM isolation). */
  shareDevicesAcrossTenants: z.boolean().default(false),
});

const runtimeLabelSchema = z.strictObject({
  label: z.string().min(1),
  /** Required label value; omitted = the label being present is enough. */
  value: z.string().optional(),
  tier: kubeName,
});

const workloadClassSchema = z.strictObject({
  /** binpack: fill the fullest device that fits; spread: prefer the emptiest. */
  gpuPacking: z.enum(["binpack", "spread"]),
});

const typicalPodSchema = z.strictObject({
  /** CPU cores as a Kubernetes quantity ("4", "500m"). */
  cpu: z.string().default("0"),
  gpuCount: z.number().int().min(0).max(64),
  /** Share of each device in thousandths (1000 = whole device). */
  gpuMilli: z.number().int().min(1).max(1000).default(1000),
  weight: z.number().positive(),
});

const weightsSchema = z.strictObject(
  Object.fromEntries(SIGNAL_NAMES.map((s) => [s, z.number().min(0).max(100)])) as Record<SignalName, z.ZodNumber>,
);

export const configSchema = z.strictObject({
  /** Ordered weakest → strongest. */
  tiers: z.array(tierSchema).min(1),
  tierSources: z
    .strictObject({
      nodeLabel: z.string().default("tierfit.io/isolation-tier"),
      podAnnotation: z.string().default("tierfit.io/isolation-tier"),
      /** Node labels that show which runtimes a node offers; the strongest match wins. */
      runtimeLabels: z.array(runtimeLabelSchema).default([]),
    })
    .prefault({}),
  gpu: z
    .strictObject({
      resourceName: z.string().default("nvidia.com/gpu"),
      memoryLabel: z.string().default("nvidia.com/gpu.memory"),
      productLabel: z.string().default("nvidia.com/gpu.product"),
      /** Per-device memory by product, used when a node has no memory label. */
      productMemoryMiB: z.record(z.string(), z.number().int().positive()).default({}),
    })
    .prefault({}),
  workloadClasses: z
    .record(kubeName, workloadClassSchema)
    .default({ default: { gpuPacking: "binpack" } })
    .refine((c) => "default" in c, "must define the class `default`"),
  scoring: z
    .strictObject({
      weights: weightsSchema.default({
        gpuMemory: 3,
        isolationTier: 2,
        liveDemand: 2,
        fragmentation: 2,
        resourcesFit: 1,
      }),
      /** mathjs expression over the signal names, 0..10; replaces the weighted sum when set. */
      expression: z.string().min(1).nullable().default(null),
    })
    .prefault({}),
  fragmentation: z
    .strictObject({
      /** The workload mix fragmentation is measured against (Weng et al., ATC'23 "typical pods"). */
      typicalPods: z.array(typicalPodSchema).min(1),
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
    })
    .prefault({}),
});

export type TierfitConfig = z.infer<typeof configSchema>;
export type TierConfig = z.infer<typeof tierSchema>;
export type TypicalPodConfig = z.infer<typeof typicalPodSchema>;
