/**
 * Which devices a pod takes on a node: the one function the extender's bind, the simulator and
 * the scoring signals all use, so what is scored is what gets bound. A device qualifies when its
 * product is accepted, its memory is known, it has the units free, and its occupants' tenants
 * allow sharing (tenancy.ts). Among qualifying devices the packing decides:
 *  - fill: the least expected waste for the workload mix first (expected-waste.ts), then least
 *    left over: fills partly used devices and keeps whole ones free, as binpack does, but leaves
 *    remainders that typical pods fit rather than ones only rare pods do;
 *  - binpack: least left over first (fills partly used devices, keeps whole ones free);
 *  - spread: most left over first (latency-sensitive pods avoid neighbours);
 *  - fragmentation: for a single shared GPU, the device whose use raises the node's
 *    fragmentation least (FGD's GPU choice); otherwise as binpack.
 * Ties go to the lowest device index, so whole-GPU pods take the lowest-index free devices.
 * Under a policy that runs the liveDemand signal, a device whose predicted compute with the pod
 * would exceed `demand.targetUtilisation` ranks after every device with headroom (least loaded
 * first), so packing never stacks replicas onto a busy GPU while the node has a quieter one.
 * Devices without fresh telemetry rank by packing alone, exactly as with no live data.
 * A policy may ignore tenancy (enforceIsolation false) or pick a shared GPU itself
 * (chooseSharedDevice): the FGD paper's baselines do.
 */
import { unitsOnDevice } from "../cluster/gpu-units.js";
import type { DeviceAssignment, DeviceState, NodeState, PodRequest } from "../cluster/types.js";
import type { TierfitConfig } from "../config/schema.js";
import type { NodeTelemetry } from "./demand-snapshot.js";
import { deviceUtilisation, freshTelemetry, podDeviceLoad } from "./device-load.js";
import { deviceWasteDelta } from "./expected-waste.js";
import { type CompiledMix, compileMix, fragmentationAfter } from "./fragmentation.js";
import {
  deviceUnits,
  gpuShortfall,
  needsKindRules,
  productAllowed,
  takesWholeGpus,
  unitsIfOpen,
  unitsNeeded,
} from "./gpu-fit.js";
import type { DevicePacking, ScoringPolicy, SharedDeviceChooser } from "./policy.js";
import { LatestStateCache } from "./state-cache.js";
import { deviceOpenTo, effectiveTenant, tierShares } from "./tenancy.js";
import type { Rejection, ScoringContext } from "./types.js";

/** Per-pod scratch the choice is written into: no allocation per node. */
export class DevicePlan {
  /** Devices chosen (= pod.gpuCount after a successful choice). */
  count = 0;
  /** Chosen devices' positions in node.devices. */
  readonly indices: Int32Array;
  /** Units taken on each chosen device. */
  readonly units: Float64Array;
  /** Sort key of each chosen device, lower is better. */
  private readonly keys: Float64Array;
  /** Devices with room for the pod, before and after tenancy (for the isolation filter). */
  withRoom = 0;
  open = 0;
  ok = false;
  /** Whether the fragmentation packing's final pick has been made (it is costlier, so lazy). */
  final = false;
  /** The node and version the plan was last made for, so every reader reuses it. */
  node: NodeState | null = null;
  version = -1;
  /** Per-pod facts the device loop reads: resolved once here, not per device. */
  readonly tenant: string;
  readonly sharesAcrossTenants: boolean;
  /** Units on each device for an absolute request; -1 for a share (depends on the device). */
  readonly fixedUnits: number;
  /** The policy's tenancy rule and shared-GPU choice (policy.ts); absent policy = isolate, packing decides. */
  readonly isolate: boolean;
  readonly chooser: SharedDeviceChooser | undefined;
  /** Compute (0..1 of a GPU) the pod is expected to add to each device (device-load.ts). */
  readonly podLoad: number;

  /** `live`: the context whose demand snapshot the choice heeds; null = memory and tenancy only. */
  constructor(
    readonly pod: PodRequest,
    readonly packing: DevicePacking,
    readonly mix: CompiledMix,
    readonly config: TierfitConfig,
    policy?: Pick<ScoringPolicy, "enforceIsolation" | "chooseSharedDevice">,
    readonly live: ScoringContext | null = null,
  ) {
    this.podLoad = live === null ? 0 : podDeviceLoad(pod, live);
    this.isolate = policy?.enforceIsolation !== false;
    this.chooser = policy?.chooseSharedDevice;
    this.tenant = effectiveTenant(pod);
    this.sharesAcrossTenants = tierShares(config.tiers, pod.sharingTier);
    this.fixedUnits = pod.gpuMemory.kind === "mib" ? unitsOnDevice(pod.gpuMemory, 1) : -1;
    const k = Math.max(pod.gpuCount, 1);
    this.indices = new Int32Array(k);
    this.units = new Float64Array(k);
    this.keys = new Float64Array(k);
  }

  /** Keeps the `gpuCount` best candidates sorted by key; equal keys keep the earlier (lower) index. */
  offer(index: number, units: number, key: number): void {
    const k = this.indices.length;
    let pos = this.count;
    if (pos === k) {
      if (key >= this.keys[k - 1]) return;
      pos = k - 1;
    } else {
      this.count++;
    }
    while (pos > 0 && this.keys[pos - 1] > key) {
      this.keys[pos] = this.keys[pos - 1];
      this.indices[pos] = this.indices[pos - 1];
      this.units[pos] = this.units[pos - 1];
      pos--;
    }
    this.keys[pos] = key;
    this.indices[pos] = index;
    this.units[pos] = units;
  }

  reset(node: NodeState): void {
    this.count = 0;
    this.withRoom = 0;
    this.open = 0;
    this.final = false;
    this.node = node;
    this.version = node.version;
  }
}

/** The packing for this pod: the policy's, else its workload class's, else the default class's. */
export function packingFor(pod: PodRequest, ctx: ScoringContext): DevicePacking {
  if (ctx.policy.packing) return ctx.policy.packing;
  const classes = ctx.config.workloadClasses;
  const own = Object.hasOwn(classes, pod.workloadClass) ? classes[pod.workloadClass] : undefined;
  return (own ?? classes.default)?.gpuPacking ?? "binpack";
}

/**
 * Whether device choice heeds live demand: only for a policy that scores it (tierfit's; the
 * baselines know nothing of utilisation) and only when there is some to heed.
 */
function heedsDemand(pod: PodRequest, ctx: ScoringContext): boolean {
  if (pod.gpuCount === 0 || ctx.demand.nodes.size === 0) return false;
  const signals = ctx.policy.signals;
  for (let i = 0; i < signals.length; i++) if (signals[i].name === "liveDemand") return true;
  return false;
}

/**
 * The plan of the pod being placed, shared by every signal that looks at devices (isolation,
 * memory, fragmentation, live demand) and by bind, so a node's devices are examined once per pod.
 * Keyed by the pod object, which is immutable; rebuilt when the packing, mix or config differ
 * from the cached plan's, or, for a plan that heeds live demand, the snapshot or the clock. Only
 * the last pod's: both drivers finish with one pod before the next, and a per-pod weak map kept
 * every placed pod and its plan alive through the next scavenge (a simulation promoted megabytes
 * of them).
 */
let lastPlan: DevicePlan | null = null;

export function devicePlanFor(pod: PodRequest, ctx: ScoringContext): DevicePlan {
  const packing = packingFor(pod, ctx);
  const mix = compileMix(ctx.workloadMix);
  const cached = lastPlan?.pod === pod ? lastPlan : null;
  const policy = ctx.policy;
  const live = heedsDemand(pod, ctx) ? ctx : null;
  if (
    cached &&
    cached.packing === packing &&
    cached.mix === mix &&
    cached.config === ctx.config &&
    cached.isolate === (policy.enforceIsolation !== false) &&
    cached.chooser === policy.chooseSharedDevice &&
    (cached.live === null
      ? live === null
      : live !== null && cached.live.demand === live.demand && cached.live.now === live.now)
  )
    return cached;
  const plan = new DevicePlan(pod, packing, mix, ctx.config, policy, live);
  lastPlan = plan;
  return plan;
}

/**
 * Fills `plan` with the devices the pod would take on `node`; false when no set of devices
 * works (gpuShortfall says why). A pod with no GPUs always succeeds with none. Reuses the
 * answer when asked again for the same node and version. Under the fragmentation packing the
 * final pick is left to `chooseFinal`: filters only need to know that a choice exists.
 */
export function planDevices(node: NodeState, plan: DevicePlan): boolean {
  if (plan.node === node && plan.version === node.version) return plan.ok;
  plan.reset(node);
  const pod = plan.pod;
  const need = pod.gpuCount;
  const devices = node.devices;
  if (need === 0) return settle(plan, true);
  if (devices.length < need) return settle(plan, false);
  const gpus = node.view.gpus;
  const tiers = plan.config.tiers;
  const spread = plan.packing === "spread";
  const fill = plan.packing === "fill";
  const anyProduct = pod.gpuProducts.length === 0;
  const milli = pod.gpuMemory.kind === "milli" ? pod.gpuMemory.milli : 0;
  const telemetry = plan.live === null ? null : freshTelemetry(node, plan.live);
  const whole = takesWholeGpus(pod, node);
  // Whether only the pod's own tenant holds memory here; asked once, at the first occupied device.
  let ownTenantOnly: boolean | null = null;
  for (let i = 0; i < devices.length; i++) {
    const gpu = gpus[i];
    const device = devices[i];
    let units: number;
    if (needsKindRules(pod, gpu, whole)) {
      units = deviceUnits(pod, gpu, device, whole);
      if (units < 0) continue;
    } else {
      if (gpu.memoryMiB <= 0 || !(anyProduct || productAllowed(pod, gpu))) continue;
      units = plan.fixedUnits >= 0 ? plan.fixedUnits : milli * gpu.memoryMiB;
    }
    if (units > device.freeUnits) continue;
    plan.withRoom++;
    if (plan.isolate && (device.occupants.length > 0 || gpu.replicas !== undefined)) {
      ownTenantOnly ??= soleTenant(node) === plan.tenant;
      if (!ownTenantOnly && !openHere(plan, node, i, tiers)) continue;
    }
    plan.open++;
    const leftover = device.capacityUnits > 0 ? (device.freeUnits - units) / device.capacityUnits : 0;
    const over = telemetry === null ? 0 : loadOverTarget(telemetry, node, i, plan);
    // Packing keys lie in -1..1; an over-target device's key is above them all, least loaded first.
    plan.offer(
      i,
      units,
      over > 0 ? 2 + over : spread ? -leftover : fill ? fillKey(plan, device, units, leftover) : leftover,
    );
  }
  return settle(plan, plan.count >= need);
}

/** The fill packing's key: the expected-waste change (±1000 thousandths → ±0.5), then least left over. */
function fillKey(plan: DevicePlan, device: DeviceState, units: number, leftover: number): number {
  return deviceWasteDelta(plan.mix, device, units) / 2000 + leftover * 1e-6;
}

/**
 * The tenant every occupant of the node's devices names, or null when they differ, when one
 * names none (its tenant is then its namespace, left to deviceOpenTo to read) or when nobody
 * holds memory. Per node object (an immutable snapshot): most nodes hold one tenant's pods, and
 * a pod of that tenant then passes every device without its occupants being read.
 */
const soleTenants = new LatestStateCache<string | null>();

function soleTenant(node: NodeState): string | null {
  let sole = soleTenants.get(node);
  if (sole !== undefined) return sole;
  sole = null;
  for (const device of node.devices) {
    for (const o of device.occupants) {
      if (o.tenant === "" || (sole !== null && o.tenant !== sole)) {
        sole = null;
        soleTenants.set(node, sole);
        return sole;
      }
      sole = o.tenant;
    }
  }
  soleTenants.set(node, sole);
  return sole;
}

/** deviceOpenOnNode with the pod's tenant and sharing resolved once (the hot loop's form). */
function openHere(plan: DevicePlan, node: NodeState, i: number, tiers: TierfitConfig["tiers"]): boolean {
  if (node.view.gpus[i].replicas === undefined) {
    return deviceOpenTo(plan.tenant, plan.sharesAcrossTenants, node.devices[i], tiers);
  }
  for (const device of node.devices) {
    if (!deviceOpenTo(plan.tenant, plan.sharesAcrossTenants, device, tiers)) return false;
  }
  return true;
}

/** The device's predicted load with the pod when it exceeds the target; 0 when within it or unknown. */
function loadOverTarget(telemetry: NodeTelemetry, node: NodeState, i: number, plan: DevicePlan): number {
  const util = deviceUtilisation(telemetry, node, i, plan.live!);
  if (util === null) return 0;
  const target = plan.config.demand.targetUtilisation;
  // As live demand scores it: the pod's own load alone is never "over target".
  const after = util + Math.min(plan.podLoad, target);
  return after > target ? after : 0;
}

function settle(plan: DevicePlan, ok: boolean): boolean {
  plan.ok = ok;
  return ok;
}

/** planDevices, then the final pick where the packing needs one: what scoring and bind read. */
export function chooseFinal(node: NodeState, plan: DevicePlan): boolean {
  if (!planDevices(node, plan)) return false;
  if (!plan.final) {
    plan.final = true;
    const pod = plan.pod;
    if (plan.chooser && pod.gpuCount === 1 && !wholeDevice(pod)) rechooseWith(plan.chooser, node, plan);
    else if (plan.packing === "fragmentation" && pod.gpuCount === 1 && !wholeDevice(pod) && plan.open > 1) {
      rechooseByFragmentation(node, plan);
    }
  }
  return true;
}

/** Whether other tenants, not memory, leave the pod too few devices. */
export function blockedByTenancy(plan: DevicePlan): boolean {
  return !plan.ok && plan.withRoom >= plan.pod.gpuCount;
}

function wholeDevice(pod: PodRequest): boolean {
  return pod.gpuMemory.kind === "milli" && pod.gpuMemory.milli >= 1000;
}

/**
 * FGD's GPU choice for a shared GPU: try each qualifying device, keep the least fragmenting
 * (lowest index on ties). Devices in the same state give the same answer, so each distinct
 * (free, capacity) pair is evaluated once.
 */
function rechooseByFragmentation(node: NodeState, plan: DevicePlan): void {
  const pod = plan.pod;
  const devices = node.devices;
  let bestIndex = plan.indices[0];
  let bestUnits = plan.units[0];
  let bestFrag = Number.POSITIVE_INFINITY;
  for (let i = 0; i < devices.length; i++) {
    const units = unitsIfOpen(pod, node, i, plan.config.tiers, plan.isolate);
    if (units < 0 || sameStateEarlier(node, i, plan)) continue;
    plan.indices[0] = i;
    plan.units[0] = units;
    const frag = fragmentationAfter(node, plan.mix, pod.resources.milliCpu, 1, plan.indices, plan.units);
    if (frag < bestFrag) {
      bestFrag = frag;
      bestIndex = i;
      bestUnits = units;
    }
  }
  plan.indices[0] = bestIndex;
  plan.units[0] = bestUnits;
}

/** Whether a lower-index qualifying device has the same free and capacity units as device i. */
function sameStateEarlier(node: NodeState, i: number, plan: DevicePlan): boolean {
  const devices = node.devices;
  const d = devices[i];
  for (let j = 0; j < i; j++) {
    const e = devices[j];
    if (e.freeUnits !== d.freeUnits || e.capacityUnits !== d.capacityUnits) continue;
    if (unitsIfOpen(plan.pod, node, j, plan.config.tiers, plan.isolate) >= 0) return true;
  }
  return false;
}

/** The policy's own pick for a shared GPU, among the devices the plan's loop accepts. */
function rechooseWith(chooser: SharedDeviceChooser, node: NodeState, plan: DevicePlan): void {
  const pod = plan.pod;
  const candidates: number[] = [];
  for (let i = 0; i < node.devices.length; i++) {
    if (unitsIfOpen(pod, node, i, plan.config.tiers, plan.isolate) >= 0) candidates.push(i);
  }
  const chosen = chooser(pod, node, candidates, plan.mix);
  if (!candidates.includes(chosen)) throw new Error(`shared-GPU chooser picked ${chosen}, not one of ${candidates}`);
  plan.indices[0] = chosen;
  plan.units[0] = unitsNeeded(pod, node, chosen);
}

/** The devices the pod would take on the node, in device order, or why it cannot. */
export function chooseDevices(pod: PodRequest, node: NodeState, ctx: ScoringContext): DeviceAssignment[] | Rejection {
  const plan = devicePlanFor(pod, ctx);
  if (!chooseFinal(node, plan)) return gpuShortfall(pod, node, ctx.config);
  return assignmentsOf(node, plan);
}

/** The plan as the ledger records it (device indices as the node reports them). */
export function assignmentsOf(node: NodeState, plan: DevicePlan): DeviceAssignment[] {
  const out: DeviceAssignment[] = [];
  for (let j = 0; j < plan.count; j++) {
    out.push({ index: node.view.gpus[plan.indices[j]].index, units: plan.units[j] });
  }
  return out.sort((a, b) => a.index - b.index);
}
