/**
 * Live demand: prefer nodes whose GPUs have headroom under `demand.targetUtilisation` for the
 * load the pod is expected to bring. The node's load is its devices' mean utilisation plus the
 * pending placements the samples have not caught up with (expectedUtilisation). The pod's load
 * per device comes from its model's forecast when there is one (forecast compute per replica,
 * spread over the pod's GPUs); otherwise it is taken as 0 and the signal is plain headroom.
 *
 * Framebuffer use is deliberately not read: inference servers preallocate most of a GPU's memory
 * (vLLM's gpu_memory_utilization defaults to 0.9), so it says nothing about headroom, and the
 * ledger already accounts memory exactly.
 *
 * Missing or stale telemetry is never guessed: `demand.onStale` makes it neutral (5), the
 * minimum (0), or a rejection that says how old the data is. Pods without GPUs score neutral.
 */
import type { NodeState, PodRequest } from "../../cluster/types.js";
import { expectedUtilisation, type NodeTelemetry } from "../demand-snapshot.js";
import type { Rejection, ScoringContext, Signal } from "../types.js";

export const NEUTRAL = 5;

interface LiveDemandPre {
  /** Utilisation (0..1) the pod is expected to add to each of its devices. */
  readonly podLoad: number;
  readonly staleAfterMs: number;
}

/** Telemetry good enough to score on, or null (missing, stale, or without utilisation). */
function freshTelemetry(node: NodeState, ctx: ScoringContext, staleAfterMs: number): NodeTelemetry | null {
  const t = ctx.demand.nodes.get(node.view.name);
  if (t === undefined || t.stale || ctx.now - t.ts > staleAfterMs) return null;
  return t;
}

function podLoadOf(pod: PodRequest, ctx: ScoringContext): number {
  if (pod.model === null || pod.gpuCount === 0) return 0;
  const forecast = ctx.demand.models.get(pod.model)?.forecast;
  if (!forecast || forecast.gpuCompute === null) return 0;
  // A forecast is good until the horizon it was made for.
  if (ctx.now - forecast.ts > forecast.horizonSeconds * 1000) return 0;
  const replicas = Math.max(1, forecast.replicas ?? 1);
  return Math.min(1, Math.max(0, forecast.gpuCompute / replicas / pod.gpuCount));
}

/**
 * 0..10 from headroom. Where the pod's load fits under the target: 5..10, 10 on an idle node.
 * Where it does not: 0..5 by the share of its load that still fits; 0 once the node is over the target.
 */
export function headroomScore(utilisation: number, podLoad: number, target: number): number {
  const room = target - utilisation;
  if (room >= podLoad && room >= 0) {
    const span = target - podLoad;
    return span > 0 ? 5 + (5 * (room - podLoad)) / span : 5;
  }
  if (podLoad <= 0 || room <= 0) return 0;
  return (5 * room) / podLoad;
}

function staleRejection(node: NodeState, ctx: ScoringContext, staleAfterMs: number): Rejection {
  const t = ctx.demand.nodes.get(node.view.name);
  const limit = Math.round(staleAfterMs / 1000);
  let reason: string;
  if (t === undefined) reason = `no live GPU data for this node (demand.onStale is reject)`;
  else if (t.stale || ctx.now - t.ts > staleAfterMs) {
    reason = `live GPU data is ${Math.round((ctx.now - t.ts) / 1000)} s old (limit ${limit} s; demand.onStale is reject)`;
  } else reason = "live GPU data reports no utilisation for this node's GPUs (demand.onStale is reject)";
  return { signal: "liveDemand", reason, unresolvable: true };
}

function usable(pod: PodRequest, node: NodeState, ctx: ScoringContext, pre: LiveDemandPre): boolean {
  if (pod.gpuCount === 0 || ctx.config.demand.onStale !== "reject") return true;
  const t = freshTelemetry(node, ctx, pre.staleAfterMs);
  return t !== null && expectedUtilisation(t) !== null;
}

export const liveDemand: Signal<LiveDemandPre> = {
  name: "liveDemand",
  normalize: "fixed",
  preScore: (pod, ctx) => ({ podLoad: podLoadOf(pod, ctx), staleAfterMs: ctx.config.demand.staleAfterSeconds * 1000 }),
  fits: usable,
  filter: (pod, node, ctx, pre) => (usable(pod, node, ctx, pre) ? null : staleRejection(node, ctx, pre.staleAfterMs)),
  score(pod, node, ctx, pre) {
    if (pod.gpuCount === 0) return NEUTRAL;
    const t = freshTelemetry(node, ctx, pre.staleAfterMs);
    const utilisation = t === null ? null : expectedUtilisation(t);
    if (utilisation === null) return ctx.config.demand.onStale === "minimum" ? 0 : NEUTRAL;
    return headroomScore(utilisation, pre.podLoad, ctx.config.demand.targetUtilisation);
  },
};
