/**
 * Builders for the scoring core's inputs (NodeState, PodRequest, config, demand) as plain
 * objects, so core tests read as tables: `nodeState({ name: "a", gpus: [gpu(81920)] })`.
 * Defaults describe an ordinary node (64 cores, 256 GiB, 110 pods, shared-kernel) and an
 * ordinary pod (1 core, 1 GiB, no GPU, tier 0, tenant = namespace).
 */

import type {
  DeviceOccupant,
  DeviceState,
  GpuDevice,
  GpuMemoryRequest,
  NodeState,
  PodRequest,
} from "../../src/cluster/types.js";
import { MEM_UNITS_PER_MIB } from "../../src/cluster/types.js";
import { configSchema, type TierfitConfig } from "../../src/config/schema.js";
import type { DemandSnapshot, ModelDemand, NodeTelemetry } from "../../src/scoring/demand-snapshot.js";

export const GiB = 1024 ** 3;

/** The three tiers of DESIGN §3, hypervisor sharing devices across tenants. */
export const TEST_TIERS = [
  { name: "shared-kernel", runtimeClasses: ["runc"], shareDevicesAcrossTenants: false },
  { name: "sandboxed", runtimeClasses: ["gvisor"], shareDevicesAcrossTenants: false },
  { name: "hypervisor", runtimeClasses: ["kata"], shareDevicesAcrossTenants: true },
];

/** A validated config with the test tiers; `overrides` is raw config as an operator writes it. */
export function testConfig(overrides: Record<string, unknown> = {}): TierfitConfig {
  return configSchema.parse({ tiers: TEST_TIERS, ...overrides });
}

export interface OccupantSpec {
  readonly podKey?: string;
  readonly tenant?: string;
  /** The tier the occupant runs at (its sharingTier). */
  readonly sharingTier?: number;
  /** Memory held: exact units, or MiB, or thousandths of the device. */
  readonly units?: number;
  readonly mib?: number;
  readonly milli?: number;
  /** The occupant's model and how many devices it holds (live demand forecasts its load). */
  readonly model?: string;
  readonly gpus?: number;
}

export interface GpuSpec {
  readonly memoryMiB: number;
  readonly product?: string;
  readonly occupants?: readonly OccupantSpec[];
}

/** `gpu(81920)` or `gpu(16384, { product: "T4", occupants: [{ milli: 500, tenant: "b" }] })`. */
export function gpu(memoryMiB: number, rest: Omit<GpuSpec, "memoryMiB"> = {}): GpuSpec {
  return { memoryMiB, ...rest };
}

export interface NodeSpec {
  readonly name: string;
  readonly tier?: number;
  readonly tierSource?: string;
  readonly gpus?: readonly GpuSpec[];
  /** Allocatable cores, GiB and pods. */
  readonly cpu?: number;
  readonly memoryGiB?: number;
  readonly pods?: number;
  /** Already requested by the node's pods; pods defaults to the number of distinct occupants. */
  readonly requestedCpu?: number;
  readonly requestedMemoryGiB?: number;
  readonly requestedPods?: number;
  readonly labels?: Record<string, string>;
  readonly version?: number;
  readonly unschedulable?: boolean;
}

function occupantUnits(o: OccupantSpec, memoryMiB: number): number {
  if (o.units !== undefined) return o.units;
  if (o.mib !== undefined) return o.mib * MEM_UNITS_PER_MIB;
  if (o.milli !== undefined) return o.milli * memoryMiB;
  return memoryMiB * MEM_UNITS_PER_MIB;
}

let occupantSeq = 0;

export function nodeState(spec: NodeSpec): NodeState {
  const gpus: GpuDevice[] = (spec.gpus ?? []).map((g, index) => ({
    index,
    product: g.product ?? "NVIDIA-A100-SXM4-80GB",
    memoryMiB: g.memoryMiB,
  }));
  const keys = new Set<string>();
  const devices: DeviceState[] = (spec.gpus ?? []).map((g, index) => {
    const capacityUnits = g.memoryMiB * MEM_UNITS_PER_MIB;
    const occupants: DeviceOccupant[] = (g.occupants ?? []).map((o) => {
      const podKey = o.podKey ?? `default/occupant-${++occupantSeq}`;
      keys.add(podKey);
      const occupant = {
        podKey,
        tenant: o.tenant ?? "",
        sharingTier: o.sharingTier ?? 0,
        units: occupantUnits(o, g.memoryMiB),
      };
      return o.model === undefined ? occupant : { ...occupant, model: o.model, gpus: o.gpus ?? 1 };
    });
    const used = occupants.reduce((sum, o) => sum + o.units, 0);
    return {
      index,
      product: gpus[index].product,
      capacityUnits,
      freeUnits: Math.max(0, capacityUnits - used),
      occupants,
    };
  });
  const tier = spec.tier ?? 0;
  return {
    view: {
      name: spec.name,
      labels: spec.labels ?? {},
      allocatable: {
        milliCpu: (spec.cpu ?? 64) * 1000,
        memoryBytes: (spec.memoryGiB ?? 256) * GiB,
        pods: spec.pods ?? 110,
      },
      gpus,
      tier,
      tierSource: spec.tierSource ?? `label tierfit.io/isolation-tier=${TEST_TIERS[tier]?.name ?? tier}`,
      unschedulable: spec.unschedulable ?? false,
    },
    devices,
    requested: {
      milliCpu: (spec.requestedCpu ?? 0) * 1000,
      memoryBytes: (spec.requestedMemoryGiB ?? 0) * GiB,
      pods: spec.requestedPods ?? keys.size,
    },
    version: spec.version ?? 1,
  };
}

export interface PodSpec {
  readonly name?: string;
  readonly namespace?: string;
  readonly gpuCount?: number;
  /** Per-device memory in MiB; or `gpuMilli` for a share; default = the whole device. */
  readonly gpuMiB?: number;
  readonly gpuMilli?: number;
  /** Cores and GiB. */
  readonly cpu?: number;
  readonly memoryGiB?: number;
  readonly tier?: number;
  readonly tierSource?: string;
  /** The tier it runs at; default = `tier`, as a pod whose RuntimeClass gives it its tier. */
  readonly sharingTier?: number;
  readonly runtimeClassName?: string;
  readonly tenant?: string;
  readonly model?: string | null;
  readonly workloadClass?: string;
  readonly gpuProducts?: readonly string[];
}

export function podRequest(spec: PodSpec = {}): PodRequest {
  const namespace = spec.namespace ?? "default";
  const name = spec.name ?? "pod";
  const gpuMemory: GpuMemoryRequest =
    spec.gpuMiB !== undefined ? { kind: "mib", mib: spec.gpuMiB } : { kind: "milli", milli: spec.gpuMilli ?? 1000 };
  const tier = spec.tier ?? 0;
  return {
    key: `${namespace}/${name}`,
    namespace,
    name,
    uid: `uid-${namespace}-${name}`,
    gpuCount: spec.gpuCount ?? 0,
    gpuMemory,
    resources: { milliCpu: Math.round((spec.cpu ?? 1) * 1000), memoryBytes: (spec.memoryGiB ?? 1) * GiB, pods: 1 },
    tier,
    tierSource: spec.tierSource ?? `runtimeClassName ${TEST_TIERS[tier]?.runtimeClasses[0] ?? "?"}`,
    sharingTier: spec.sharingTier ?? tier,
    ...(spec.runtimeClassName === undefined ? {} : { runtimeClassName: spec.runtimeClassName }),
    tenant: spec.tenant ?? "",
    model: spec.model ?? null,
    workloadClass: spec.workloadClass ?? "default",
    gpuProducts: spec.gpuProducts ?? [],
  };
}

/** Telemetry for one node: utilisation per device (0..1), sampled at `ts`. */
export function nodeTelemetry(
  node: string,
  utils: readonly (number | null)[],
  ts: number,
  stale = false,
): NodeTelemetry {
  return {
    node,
    devices: utils.map((util, index) => ({ index, uuid: null, fbUsedMiB: 0, fbTotalMiB: 81920, util })),
    ts,
    stale,
    pending: null,
  };
}

export function demandSnapshot(
  takenAt: number,
  nodes: readonly NodeTelemetry[],
  models: readonly ModelDemand[] = [],
): DemandSnapshot {
  return {
    takenAt,
    nodes: new Map(nodes.map((t) => [t.node, t])),
    models: new Map(models.map((m) => [m.model, m])),
  };
}

/** A model with a forecast of `gpuCompute` whole-GPU equivalents over `replicas` replicas. */
export function modelDemand(model: string, gpuCompute: number, replicas: number, ts: number): ModelDemand {
  return {
    model,
    running: null,
    waiting: null,
    kvCacheUsage: null,
    rps: null,
    promptTokensPerSecond: null,
    generationTokensPerSecond: null,
    queueMs: null,
    servers: 1,
    ts,
    stale: false,
    ttftP95Ms: null,
    forecast: {
      rps: 10,
      gpuMemoryMiB: null,
      gpuCompute,
      replicas,
      method: "ewma",
      backtestError: 0,
      horizonSeconds: 900,
      ts,
    },
    nodes: new Map(),
  };
}
