/**
 * Building the scoring context a driver passes to every call: config, live demand snapshot,
 * clock value, fragmentation workload mix and policy. Contexts are cheap to build per request;
 * the parts derived from config alone (mix, policy) are built once per config object.
 */
import { parseMilliCpu } from "../cluster/quantity.js";
import type { TierfitConfig } from "../config/schema.js";
import { type DemandSnapshot, EMPTY_DEMAND } from "./demand-snapshot.js";
import { mixWithCpuPerGpu } from "./learned-cpu.js";
import { type ScoringPolicy, tierfitPolicy } from "./policy.js";
import type { ScoringContext, TypicalPod } from "./types.js";

export interface ContextOptions {
  readonly demand?: DemandSnapshot;
  /** ms since epoch; defaults to the demand snapshot's time, so a context never reads a clock. */
  readonly now?: number;
  /**
   * Fragmentation mix; defaults to config.fragmentation.typicalPods, with their CPU learnt from
   * `clusterCpuPerGpu` when fragmentation.learnCpuPerGpu is on (learned-cpu.ts).
   */
  readonly workloadMix?: readonly TypicalPod[];
  /** The cluster's CPU per allocated GPU thousandth (AllocationLedger.cpuPerGpu); absent or 0 = unknown. */
  readonly clusterCpuPerGpu?: number;
  /** Defaults to tierfit's own policy for this config. */
  readonly policy?: ScoringPolicy;
}

/** Config objects are immutable once loaded (a reload makes a new one), so these memos are safe. */
const mixes = new WeakMap<TierfitConfig, TypicalPod[]>();
const policies = new WeakMap<TierfitConfig, ScoringPolicy>();

export function makeContext(config: TierfitConfig, opts: ContextOptions = {}): ScoringContext {
  const demand = opts.demand ?? EMPTY_DEMAND;
  return {
    config,
    demand,
    now: opts.now ?? demand.takenAt,
    workloadMix: opts.workloadMix ?? configMix(config, opts.clusterCpuPerGpu ?? 0),
    policy: opts.policy ?? memo(policies, config, tierfitPolicy),
  };
}

/**
 * `ctx` with the config's typical pods' CPU learnt from `clusterCpuPerGpu`, for a driver that
 * keeps one context while its cluster changes (the simulator). A mix the context was given
 * explicitly (an openb trace's typical pods) is the workload's own and stays as it is.
 */
export function withClusterCpuPerGpu(ctx: ScoringContext, clusterCpuPerGpu: number): ScoringContext {
  const configured = memo(mixes, ctx.config, typicalPodsFromConfig);
  if (ctx.workloadMix !== configured) return ctx;
  const mix = configMix(ctx.config, clusterCpuPerGpu);
  return mix === ctx.workloadMix ? ctx : { ...ctx, workloadMix: mix };
}

function configMix(config: TierfitConfig, clusterCpuPerGpu: number): readonly TypicalPod[] {
  const configured = memo(mixes, config, typicalPodsFromConfig);
  return config.fragmentation.learnCpuPerGpu ? mixWithCpuPerGpu(configured, clusterCpuPerGpu) : configured;
}

/** The config's typical pods with CPU in thousandths and weights normalised to sum to 1. */
export function typicalPodsFromConfig(config: TierfitConfig): TypicalPod[] {
  const pods = config.fragmentation.typicalPods;
  const total = pods.reduce((sum, p) => sum + p.weight, 0);
  return pods.map((p, i) => ({
    milliCpu: parseMilliCpu(p.cpu, `fragmentation.typicalPods[${i}].cpu`),
    gpuCount: p.gpuCount,
    gpuMilli: p.gpuCount === 0 ? 0 : p.gpuMilli,
    weight: p.weight / total,
  }));
}

function memo<T>(cache: WeakMap<TierfitConfig, T>, config: TierfitConfig, build: (c: TierfitConfig) => T): T {
  let value = cache.get(config);
  if (value === undefined) {
    value = build(config);
    cache.set(config, value);
  }
  return value;
}
