/**
 * Building the scoring context a driver passes to every call: config, live demand snapshot,
 * clock value, fragmentation workload mix and policy. Contexts are cheap to build per request;
 * the parts derived from config alone (mix, policy) are built once per config object.
 */
import { parseMilliCpu } from "../cluster/quantity.js";
import type { TierfitConfig } from "../config/schema.js";
import { type DemandSnapshot, EMPTY_DEMAND } from "./demand-snapshot.js";
import { type ScoringPolicy, tierfitPolicy } from "./policy.js";
import type { ScoringContext, TypicalPod } from "./types.js";

export interface ContextOptions {
  readonly demand?: DemandSnapshot;
  /** ms since epoch; defaults to the demand snapshot's time, so a context never reads a clock. */
  readonly now?: number;
  /** Fragmentation mix; defaults to config.fragmentation.typicalPods. */
  readonly workloadMix?: readonly TypicalPod[];
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
    workloadMix: opts.workloadMix ?? memo(mixes, config, typicalPodsFromConfig),
    policy: opts.policy ?? memo(policies, config, tierfitPolicy),
  };
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
