/**
 * The filters every baseline runs, as kube-scheduler and the FGD artifact do: a GPU fit (enough
 * devices of an accepted product with the share free; the artifact's Open-Gpu-Share filter,
 * which also applies gpu_spec) and kube's own NodeResourcesFit (CPU, memory, pod count).
 *
 * The GPU fit passes exactly when device choice (device-choice.ts planDevices) finds devices, so
 * the winner can always be bound; it only counts, leaving the choice itself to bind time.
 */
import { unitsOnDevice } from "../../cluster/gpu-units.js";
import type { NodeState, PodRequest } from "../../cluster/types.js";
import { acceptsProduct, gpuShortfall, unitsIfOpen } from "../gpu-fit.js";
import { resourcesFit } from "../signals/resources-fit.js";
import type { Rejection, ScoringContext, Signal } from "../types.js";

/**
 * Whether at least `need` devices could each take one of the pod's GPUs now (tenancy counted only
 * when the policy isolates). Stops at the `need`-th: the hot loop only asks yes or no.
 */
export function enoughDevices(pod: PodRequest, node: NodeState, ctx: ScoringContext, need: number): boolean {
  const req = pod.gpuMemory;
  const isolate = ctx.policy.enforceIsolation !== false;
  const desc = node.freeUnitsDesc;
  const memoryMiB = node.alikeGpuMemoryMiB;
  const product = node.alikeGpuProduct;
  const plainPod = pod.migProfile === undefined && pod.exclusive !== true;
  if (desc !== undefined && memoryMiB !== undefined && product !== undefined && !isolate && plainPod) {
    // Alike devices: the need-th largest free amount decides, read off the snapshot alone.
    if (desc.length < need || !acceptsProduct(pod, product)) return false;
    return desc[need - 1] >= unitsOnDevice(req, memoryMiB);
  }
  const devices = node.devices;
  if (devices.length < need) return false;
  let n = 0;
  for (let i = 0; i < devices.length; i++) {
    if (unitsIfOpen(pod, node, i, ctx.config.tiers, isolate) >= 0 && ++n >= need) return true;
  }
  return false;
}

function gpuFits(pod: PodRequest, node: NodeState, ctx: ScoringContext): boolean {
  return pod.gpuCount === 0 || enoughDevices(pod, node, ctx, pod.gpuCount);
}

/** Both filters, GPU first: whether the node passes. */
export function baselineFits(pod: PodRequest, node: NodeState, ctx: ScoringContext): boolean {
  return gpuFits(pod, node, ctx) && resourcesFit.fits!(pod, node, ctx, null);
}

/** Both filters with the core's reasons ("needs 46% of a GPU on one GPU; …", "Insufficient cpu: …"). */
export function baselineRejection(pod: PodRequest, node: NodeState, ctx: ScoringContext): Rejection | null {
  if (!gpuFits(pod, node, ctx)) return gpuShortfall(pod, node, ctx.config);
  return resourcesFit.filter(pod, node, ctx, null);
}

/**
 * A baseline's score signal carrying the baseline filters, as one kube plugin carries its Filter
 * and Score: a policy of one such signal filters and scores each node in one call, which keeps
 * the simulator's hot loop short (the scorer itself filters nothing).
 */
export function withBaselineFilters<P>(scorer: Signal<P>): Signal<P> {
  return {
    name: scorer.name,
    normalize: scorer.normalize,
    preScore: scorer.preScore,
    fits: (pod, node, ctx) => baselineFits(pod, node, ctx),
    filter: (pod, node, ctx) => baselineRejection(pod, node, ctx),
    score: scorer.score,
    bestEach: scorer.bestEach,
  };
}
