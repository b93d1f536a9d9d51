/**
 * The capacity report: GPUs allocated (from the allocation ledger) against GPUs actually used
 * (from live telemetry), per tier and per node; devices held by pods but idle; and right-sizing
 * suggestions per model from its peak use. Pure: every input is passed in.
 */
import { formatUnits, mibToUnits } from "../cluster/gpu-units.js";
import { MEM_UNITS_PER_MIB, type NodeState } from "../cluster/types.js";
import type { DemandConfig } from "../config/schema.js";
import type { DemandSnapshot, DeviceTelemetry } from "../scoring/demand-snapshot.js";
import type { UsagePeak } from "./usage-tracker.js";

export interface UsageFigures {
  readonly devices: number;
  /** Devices holding at least one pod. */
  readonly allocatedDevices: number;
  /** Allocated share of the devices, in whole-GPU equivalents (two half-GPU pods = 1). */
  readonly allocatedGpus: number;
  readonly allocatedMiB: number;
  /** Allocated devices with fresh telemetry: what `used*` covers. */
  readonly measuredDevices: number;
  readonly usedMiB: number;
  /** Sum of the measured devices' utilisation, in whole-GPU equivalents. */
  readonly usedGpus: number;
}

export interface TierCapacity extends UsageFigures {
  readonly tier: string;
}

export interface NodeCapacity extends UsageFigures {
  readonly node: string;
  readonly tier: string;
  readonly telemetry: "fresh" | "stale" | "missing";
}

export interface IdleDevice {
  readonly node: string;
  readonly index: number;
  readonly pods: readonly string[];
  readonly allocatedMiB: number;
  readonly usedMiB: number;
  readonly util: number;
  readonly message: string;
}

export interface RightSizing {
  readonly model: string;
  readonly replicas: number;
  readonly heldMiB: number;
  readonly peakUsedMiB: number;
  readonly observedSeconds: number;
  readonly suggestedReplicas: number;
  /** Replicas the forecast load needs, when the model has a forecast with a profile. */
  readonly forecastReplicas: number | null;
  readonly message: string;
}

export interface CapacityReport {
  readonly takenAt: number;
  readonly windowSeconds: number;
  readonly tiers: readonly TierCapacity[];
  readonly nodes: readonly NodeCapacity[];
  readonly idleDevices: readonly IdleDevice[];
  readonly rightSizing: readonly RightSizing[];
}

export interface CapacityInputs {
  readonly nodes: readonly NodeState[];
  readonly demand: DemandSnapshot;
  readonly tierNames: readonly string[];
  /** The model a pod serves (`tierfit.io/model`), or null. */
  readonly modelOf: (podKey: string) => string | null;
  /** A model's peak use over the report window, or null when not observed. */
  readonly peakOf: (model: string) => UsagePeak | null;
  readonly config: DemandConfig["report"];
  readonly now: number;
}

export function formatMiB(mib: number): string {
  return formatUnits(mibToUnits(mib));
}

export function formatDuration(seconds: number): string {
  if (seconds >= 3600) return `${Math.round((seconds / 3600) * 10) / 10} h`;
  if (seconds >= 60) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds)} s`;
}

function emptyFigures(): { -readonly [K in keyof UsageFigures]: number } {
  return {
    devices: 0,
    allocatedDevices: 0,
    allocatedGpus: 0,
    allocatedMiB: 0,
    measuredDevices: 0,
    usedMiB: 0,
    usedGpus: 0,
  };
}

function addInto(into: ReturnType<typeof emptyFigures>, f: UsageFigures): void {
  for (const k of Object.keys(into) as (keyof UsageFigures)[]) into[k] += f[k];
}

/** Per model: pods serving it, memory they hold, memory they use (a device's use split by held share). */
export interface ModelUsage {
  readonly pods: ReadonlySet<string>;
  readonly heldMiB: number;
  readonly usedMiB: number;
  /** Every device the model holds had fresh telemetry: usedMiB is complete. */
  readonly measured: boolean;
}

function freshDevices(demand: DemandSnapshot, node: string): Map<number, DeviceTelemetry> | null {
  const t = demand.nodes.get(node);
  if (t === undefined || t.stale) return null;
  return new Map(t.devices.map((d) => [d.index, d]));
}

export function modelUsage(
  nodes: readonly NodeState[],
  demand: DemandSnapshot,
  modelOf: (podKey: string) => string | null,
): Map<string, ModelUsage> {
  const out = new Map<string, { pods: Set<string>; heldMiB: number; usedMiB: number; measured: boolean }>();
  for (const n of nodes) {
    const telemetry = freshDevices(demand, n.view.name);
    for (const d of n.devices) {
      const held = d.occupants.reduce((s, o) => s + o.units, 0);
      const used = telemetry?.get(d.index)?.fbUsedMiB;
      for (const o of d.occupants) {
        const model = modelOf(o.podKey);
        if (model === null) continue;
        let u = out.get(model);
        if (u === undefined) {
          u = { pods: new Set(), heldMiB: 0, usedMiB: 0, measured: true };
          out.set(model, u);
        }
        u.pods.add(o.podKey);
        u.heldMiB += o.units / MEM_UNITS_PER_MIB;
        if (used === undefined) u.measured = false;
        else if (held > 0) u.usedMiB += (used * o.units) / held;
      }
    }
  }
  return out;
}

function nodeCapacity(n: NodeState, inputs: CapacityInputs, idle: IdleDevice[]): NodeCapacity {
  const t = inputs.demand.nodes.get(n.view.name);
  const telemetry = freshDevices(inputs.demand, n.view.name);
  const f = emptyFigures();
  for (const d of n.devices) {
    f.devices++;
    if (d.occupants.length === 0) continue;
    const allocatedUnits = d.capacityUnits - d.freeUnits;
    const allocatedMiB = allocatedUnits / MEM_UNITS_PER_MIB;
    f.allocatedDevices++;
    f.allocatedGpus += d.capacityUnits > 0 ? allocatedUnits / d.capacityUnits : 0;
    f.allocatedMiB += allocatedMiB;
    const live = telemetry?.get(d.index);
    if (live === undefined) continue;
    f.measuredDevices++;
    f.usedMiB += live.fbUsedMiB;
    f.usedGpus += live.util ?? 0;
    if (live.util !== null && live.util < inputs.config.idleUtilisation) {
      const pods = d.occupants.map((o) => o.podKey);
      idle.push({
        node: n.view.name,
        index: d.index,
        pods,
        allocatedMiB,
        usedMiB: live.fbUsedMiB,
        util: live.util,
        message:
          `${n.view.name} GPU ${d.index}: ${formatMiB(allocatedMiB)} allocated to ${pods.join(", ")} ` +
          `but ${Math.round(live.util * 100)}% busy, ${formatMiB(live.fbUsedMiB)} used`,
      });
    }
  }
  return {
    node: n.view.name,
    tier: inputs.tierNames[n.view.tier] ?? String(n.view.tier),
    telemetry: t === undefined ? "missing" : t.stale ? "stale" : "fresh",
    ...f,
  };
}

/**
 * Replicas a model should run: enough that its peak use plus headroom fits in what they hold,
 * at least one, and at least what its forecast load needs. null when that is what it runs.
 */
function rightSize(model: string, u: ModelUsage, peak: UsagePeak, inputs: CapacityInputs): RightSizing | null {
  const replicas = u.pods.size;
  const perReplicaMiB = u.heldMiB / replicas;
  const byPeak = Math.max(1, Math.ceil((peak.peakMiB * (1 + inputs.config.headroom)) / perReplicaMiB - 1e-9));
  const forecastReplicas = inputs.demand.models.get(model)?.forecast?.replicas ?? null;
  const suggestedReplicas = Math.max(byPeak, forecastReplicas ?? 0);
  if (suggestedReplicas === replicas) return null;
  const observedSeconds = peak.observedMs / 1000;
  const plural = (n: number) => `${n} replica${n === 1 ? "" : "s"}`;
  const forecastNote = forecastReplicas === null ? "" : `, forecast load needs ${plural(forecastReplicas)}`;
  return {
    model,
    replicas,
    heldMiB: u.heldMiB,
    peakUsedMiB: peak.peakMiB,
    observedSeconds,
    suggestedReplicas,
    forecastReplicas,
    message:
      `model ${model}: ${plural(replicas)} hold ${formatMiB(u.heldMiB)}, peak use ${formatMiB(peak.peakMiB)} ` +
      `over ${formatDuration(observedSeconds)}${forecastNote} → ${plural(suggestedReplicas)}`,
  };
}

function rightSizing(inputs: CapacityInputs): RightSizing[] {
  const out: RightSizing[] = [];
  for (const [model, u] of modelUsage(inputs.nodes, inputs.demand, inputs.modelOf)) {
    const peak = inputs.peakOf(model);
    const s = peak === null || u.pods.size === 0 ? null : rightSize(model, u, peak, inputs);
    if (s !== null) out.push(s);
  }
  return out.sort((a, b) => a.model.localeCompare(b.model));
}

export function buildCapacityReport(inputs: CapacityInputs): CapacityReport {
  const idleDevices: IdleDevice[] = [];
  const nodes = inputs.nodes.map((n) => nodeCapacity(n, inputs, idleDevices));
  const byTier = new Map<string, ReturnType<typeof emptyFigures>>();
  for (const n of nodes) {
    let f = byTier.get(n.tier);
    if (f === undefined) {
      f = emptyFigures();
      byTier.set(n.tier, f);
    }
    addInto(f, n);
  }
  const tierOrder = (t: string) => {
    const i = inputs.tierNames.indexOf(t);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const tiers = [...byTier]
    .map(([tier, f]) => ({ tier, ...f }))
    .sort((a, b) => tierOrder(a.tier) - tierOrder(b.tier) || a.tier.localeCompare(b.tier));
  return {
    takenAt: inputs.now,
    windowSeconds: inputs.config.windowSeconds,
    tiers,
    nodes: nodes.sort((a, b) => a.node.localeCompare(b.node)),
    idleDevices,
    rightSizing: rightSizing(inputs),
  };
}
