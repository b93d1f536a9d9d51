/**
 * Predicted GPU compute per device, the one estimate both live demand and device choice read, so
 * the device a pod is scored on is the device it is bound to. A device's prediction is its sampled
 * utilisation, plus load placed since the sample that the sample cannot show yet, plus what the
 * pod itself is expected to bring (its model's forecast compute per replica). Utilisation is in
 * whole-GPU shares: 1 = the device's full throughput; above 1 = replicas slow each other down.
 */
import type { NodeState, PodRequest } from "../cluster/types.js";
import type { DeviceTelemetry, NodeTelemetry } from "./demand-snapshot.js";
import type { ScoringContext } from "./types.js";

/** The node's telemetry when it is fresh enough to act on; null when missing or stale. */
export function freshTelemetry(node: NodeState, ctx: ScoringContext): NodeTelemetry | null {
  const t = ctx.demand.nodes.get(node.view.name);
  if (t === undefined || t.stale || ctx.now - t.ts > ctx.config.demand.staleAfterSeconds * 1000) return null;
  return t;
}

/**
 * Compute (0..1 of a GPU) one replica of `model` holding `gpus` devices is expected to add to each
 * of them: the model's forecast compute per replica, spread over its GPUs. 0 without a model, a
 * profile-based forecast, or once the forecast is older than the horizon it was made for.
 */
export function modelDeviceLoad(model: string | null | undefined, gpus: number, ctx: ScoringContext): number {
  if (model == null || !(gpus > 0)) return 0;
  const forecast = ctx.demand.models.get(model)?.forecast;
  if (!forecast || forecast.gpuCompute === null) return 0;
  if (ctx.now - forecast.ts > forecast.horizonSeconds * 1000) return 0;
  const replicas = Math.max(1, forecast.replicas ?? 1);
  return Math.min(1, Math.max(0, forecast.gpuCompute / replicas / gpus));
}

/** What the pod is expected to add to each of its devices (modelDeviceLoad). */
export function podDeviceLoad(pod: PodRequest, ctx: ScoringContext): number {
  return pod.gpuCount === 0 ? 0 : modelDeviceLoad(pod.model, pod.gpuCount, ctx);
}

/**
 * Utilisation of the device at `position` in node.devices before the pod arrives, forecast
 * forward: the larger of what was sampled and what its pods are forecast to bring. The sample,
 * plus the node's pending load when pods hold the device (pending placements are known per node
 * only, so each occupied device is assumed to carry all of it, the safe guess until the next
 * sample; a device nobody holds carries none). The forecast, the sum of modelDeviceLoad over the
 * pods holding the device: a replica placed while its load is low will carry the forecast load
 * later, and judging a shared GPU's headroom by the quiet hour's sample packs replicas that slow
 * each other at the peak. null when the sample has no utilisation for the device.
 */
export function deviceUtilisation(
  t: NodeTelemetry,
  node: NodeState,
  position: number,
  ctx: ScoringContext,
): number | null {
  const index = node.view.gpus[position].index;
  const samples = t.devices;
  // Exporters list devices in index order, so the same position almost always matches.
  let sample: DeviceTelemetry | undefined = samples[position];
  if (sample === undefined || sample.index !== index) {
    sample = undefined;
    for (let i = 0; i < samples.length; i++) if (samples[i].index === index) sample = samples[i];
  }
  if (sample === undefined || sample.util === null) return null;
  const occupants = node.devices[position].occupants;
  if (occupants.length === 0) return sample.util;
  const sampled = sample.util + (t.pending !== null ? t.pending.util : 0);
  let forecast = 0;
  for (const o of occupants) forecast += modelDeviceLoad(o.model, o.gpus ?? 1, ctx);
  return Math.max(sampled, forecast);
}
