/**
 * Live demand: is there compute headroom, under `demand.targetUtilisation`, for the load the pod
 * is expected to bring, on the devices it would actually get? The prediction per device is
 * device-load.ts's (sampled utilisation, plus pending placements, plus the pod's forecast
 * compute per replica); the devices are device choice's, which itself steers away from devices
 * without headroom. Headroom is what matters, not idleness: a busy node that stays within the
 * target scores as well as an idle one, so replicas consolidate onto GPUs already powered.
 *
 * Framebuffer use is deliberately not read: inference servers preallocate most of a GPU's memory
 * (vLLM's gpu_memory_utilization defaults to 0.9), so it says nothing about headroom, and the
 * ledger already accounts memory exactly.
 *
 * Missing or stale telemetry is never guessed: `demand.onStale` makes it neutral (5), the
 * minimum (0), or a rejection that says how old the data is. Pods without GPUs score neutral.
 *
 * Where the data is fresh, a node whose best devices would carry more than
 * `demand.maxUtilisation` of their compute with the pod is refused: replicas sharing a GPU beyond
 * its compute slow each other, and a score alone cannot stop it when every powered node is busy
 * (the best of bad nodes still wins). Refused, the pod waits, and a cluster autoscaler adds a node.
 * The pod's own load counts up to the target only, so a pod alone on a quiet GPU is never refused.
 */
import type { NodeState, PodRequest } from "../../cluster/types.js";
import { expectedUtilisation, type NodeTelemetry } from "../demand-snapshot.js";
import { chooseFinal, type DevicePlan, devicePlanFor } from "../device-choice.js";
import { deviceUtilisation, freshTelemetry, podDeviceLoad } from "../device-load.js";
import type { Rejection, ScoringContext, Signal } from "../types.js";

export const NEUTRAL = 5;

interface LiveDemandPre {
  readonly plan: DevicePlan;
  /** Compute (0..1 of a GPU) the pod is expected to add to each of its devices. */
  readonly podLoad: number;
  /** The snapshot holds no node at all (the simulator's openb runs): every node is unknown, no lookup needed. */
  readonly noTelemetry: boolean;
}

/**
 * 0..10 from the predicted utilisation of the busiest device the pod would take: 10 up to the
 * target, falling linearly to 0 at full utilisation, 0 beyond (the pod would slow its neighbours).
 */
export function headroomScore(predicted: number, target: number): number {
  if (predicted <= target) return 10;
  if (predicted >= 1) return 0;
  return (10 * (1 - predicted)) / (1 - target);
}

/** The highest predicted utilisation among the devices chosen for the pod; null when one has no sample. */
export function predictedUtilisation(
  t: NodeTelemetry,
  node: NodeState,
  plan: DevicePlan,
  podLoad: number,
  ctx: ScoringContext,
): number | null {
  if (!chooseFinal(node, plan)) return null;
  // The pod's own load is not interference: alone on a GPU it has all the headroom there is.
  const added = Math.min(podLoad, ctx.config.demand.targetUtilisation);
  let highest = 0;
  for (let j = 0; j < plan.count; j++) {
    const util = deviceUtilisation(t, node, plan.indices[j], ctx);
    if (util === null) return null;
    highest = Math.max(highest, util + added);
  }
  return highest;
}

function staleRejection(node: NodeState, ctx: ScoringContext): Rejection {
  const t = ctx.demand.nodes.get(node.view.name);
  const staleAfterMs = ctx.config.demand.staleAfterSeconds * 1000;
  const limit = Math.round(staleAfterMs / 1000);
  let reason: string;
  if (t === undefined) reason = `no live GPU data for this node (demand.onStale is reject)`;
  else if (t.stale || ctx.now - t.ts > staleAfterMs) {
    reason = `live GPU data is ${Math.round((ctx.now - t.ts) / 1000)} s old (limit ${limit} s; demand.onStale is reject)`;
  } else reason = "live GPU data reports no utilisation for this node's GPUs (demand.onStale is reject)";
  return { signal: "liveDemand", reason, unresolvable: true };
}

/** The chosen device the pod would lift furthest above `demand.maxUtilisation`; null when none would be. */
function overloadedDevice(
  pod: PodRequest,
  node: NodeState,
  ctx: ScoringContext,
  pre: LiveDemandPre,
): { gpu: number; before: number; added: number } | null {
  const max = ctx.config.demand.maxUtilisation;
  if (max === null || pod.gpuCount === 0 || pre.noTelemetry) return null;
  const t = freshTelemetry(node, ctx);
  const plan = pre.plan;
  if (t === null || !chooseFinal(node, plan)) return null;
  const added = Math.min(pre.podLoad, ctx.config.demand.targetUtilisation);
  let worst: { gpu: number; before: number; added: number } | null = null;
  for (let j = 0; j < plan.count; j++) {
    const before = deviceUtilisation(t, node, plan.indices[j], ctx);
    if (before === null || before + added <= max) continue;
    if (worst === null || before > worst.before) worst = { gpu: node.view.gpus[plan.indices[j]].index, before, added };
  }
  return worst;
}

function hasFreshData(pod: PodRequest, node: NodeState, ctx: ScoringContext): boolean {
  if (pod.gpuCount === 0 || ctx.config.demand.onStale !== "reject") return true;
  const t = freshTelemetry(node, ctx);
  return t !== null && expectedUtilisation(t) !== null;
}

const percent = (x: number) => `${Math.round(x * 100)} %`;

function rejection(pod: PodRequest, node: NodeState, ctx: ScoringContext, pre: LiveDemandPre): Rejection | null {
  if (!hasFreshData(pod, node, ctx)) return staleRejection(node, ctx);
  const over = overloadedDevice(pod, node, ctx, pre);
  if (over === null) return null;
  return {
    signal: "liveDemand",
    reason: `GPU ${over.gpu} would run at ${percent(over.before + over.added)} of its compute with this pod (${percent(over.before)} for the pods already there, ${percent(over.added)} for this one); demand.maxUtilisation is ${percent(ctx.config.demand.maxUtilisation ?? 0)}`,
    // Evicting the busy neighbours would make room.
    unresolvable: false,
  };
}

export const liveDemand: Signal<LiveDemandPre> = {
  name: "liveDemand",
  normalize: "fixed",
  preScore: (pod, ctx) => ({
    plan: devicePlanFor(pod, ctx),
    podLoad: podDeviceLoad(pod, ctx),
    noTelemetry: ctx.demand.nodes.size === 0,
  }),
  fits: (pod, node, ctx, pre) => rejection(pod, node, ctx, pre) === null,
  filter: (pod, node, ctx, pre) => rejection(pod, node, ctx, pre),
  score(pod, node, ctx, pre) {
    if (pod.gpuCount === 0) return NEUTRAL;
    const t = pre.noTelemetry ? null : freshTelemetry(node, ctx);
    const predicted = t === null ? null : predictedUtilisation(t, node, pre.plan, pre.podLoad, ctx);
    if (predicted === null) return ctx.config.demand.onStale === "minimum" ? 0 : NEUTRAL;
    return headroomScore(predicted, ctx.config.demand.targetUtilisation);
  },
};
