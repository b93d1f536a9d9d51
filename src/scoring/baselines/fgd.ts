/**
 * The artifact's FGDScore (calculateGpuShareFragExtendScore): a placement scores by how much it
 * changes the node's fragmentation for the typical pods (fragmentation.ts, the artifact's
 * NodeGpuShareFragAmountScore):
 *
 *   score = int(100 · sigmoid((before − after) / 1000))
 *
 * - a pod sharing one GPU tries every GPU with room; the node scores the best, and that GPU is
 *   the one it gets (the first, lowest index, of the GPUs with the best integer score);
 * - any other pod takes, for "after", the GPUs with the least free that fit (NodeResource.Sub);
 *   whole GPUs are bound to the lowest-index fully free ones, which leaves the same free amounts;
 * - a pod that requests nothing at all scores 100.
 * CPU enters "after" at the pod's request, or 0.1 core without one (the artifact's non-zero CPU).
 */
import type { NodeState, PodRequest } from "../../cluster/types.js";
import { type CompiledMix, fragmentationAfter, nodeFragmentation } from "../fragmentation.js";
import { unitsIfOpen, unitsNeeded } from "../gpu-fit.js";
import type { ScoringContext } from "../types.js";
import { podMilliCpu, sharesOneGpu } from "./artifact-units.js";

export interface FgdPlacement {
  /** 0..100. */
  readonly score: number;
  /** Position in node.devices of the GPU a sharing pod gets; -1 for other pods. */
  readonly device: number;
}

/** Scratch arrays reused across calls (one set per policy: the core keeps no module state). */
export class FgdScratch {
  indices = new Int32Array(8);
  units = new Float64Array(8);
  free = new Float64Array(8);
  candidates = new Int32Array(8);

  ensure(n: number): void {
    if (this.indices.length >= n) return;
    this.indices = new Int32Array(n);
    this.units = new Float64Array(n);
    this.free = new Float64Array(n);
    this.candidates = new Int32Array(n);
  }
}

export function fgdScore(before: number, after: number): number {
  return Math.trunc((1 / (1 + Math.exp(-(before - after) / 1000))) * 100);
}

function requestsNothing(pod: PodRequest): boolean {
  return pod.gpuCount === 0 && pod.resources.milliCpu === 0 && pod.resources.memoryBytes === 0;
}

/** The qualifying devices' positions, ascending, into `scratch.indices`; their count. */
function qualifying(pod: PodRequest, node: NodeState, ctx: ScoringContext, scratch: FgdScratch): number {
  const isolate = ctx.policy.enforceIsolation !== false;
  let n = 0;
  for (let i = 0; i < node.devices.length; i++) {
    if (unitsIfOpen(pod, node, i, ctx.config.tiers, isolate) >= 0) scratch.candidates[n++] = i;
  }
  return n;
}

/**
 * A sharing pod's best GPU among `candidates` (positions, ascending): the first with the best
 * integer score, as the artifact's loop keeps it (a later GPU must score strictly higher).
 */
export function bestSharedDevice(
  pod: PodRequest,
  node: NodeState,
  mix: CompiledMix,
  candidates: ArrayLike<number>,
  count: number,
  scratch: FgdScratch,
): FgdPlacement {
  const before = nodeFragmentation(node, mix);
  const cpu = podMilliCpu(pod);
  const { indices, units } = scratch;
  let best = 0;
  let device = -1;
  for (let k = 0; k < count; k++) {
    const i = candidates[k];
    indices[0] = i;
    units[0] = unitsNeeded(pod, node, i);
    const score = fgdScore(before, fragmentationAfter(node, mix, cpu, 1, indices, units));
    if (device < 0 || score > best) {
      best = score;
      device = i;
    }
  }
  return { score: best, device };
}

export function fgdPlacement(
  pod: PodRequest,
  node: NodeState,
  ctx: ScoringContext,
  mix: CompiledMix,
  scratch: FgdScratch,
): FgdPlacement {
  if (requestsNothing(pod)) return { score: 100, device: -1 };
  scratch.ensure(node.devices.length);
  if (sharesOneGpu(pod)) {
    const n = qualifying(pod, node, ctx, scratch);
    return bestSharedDevice(pod, node, mix, scratch.candidates, n, scratch);
  }
  const isolate = ctx.policy.enforceIsolation !== false;
  const { indices, units, free } = scratch;
  // Least free first (insertion sort keeps equal amounts in index order, as Go's stable sort).
  let count = 0;
  for (let i = 0; i < node.devices.length && pod.gpuCount > 0; i++) {
    const u = unitsIfOpen(pod, node, i, ctx.config.tiers, isolate);
    if (u < 0) continue;
    const d = node.devices[i];
    const f = d.freeUnits / d.capacityUnits;
    let j = count - 1;
    while (j >= 0 && free[j] > f) {
      free[j + 1] = free[j];
      indices[j + 1] = indices[j];
      units[j + 1] = units[j];
      j--;
    }
    free[j + 1] = f;
    indices[j + 1] = i;
    units[j + 1] = u;
    count++;
  }
  const before = nodeFragmentation(node, mix);
  const after = fragmentationAfter(node, mix, podMilliCpu(pod), Math.min(count, pod.gpuCount), indices, units);
  return { score: fgdScore(before, after), device: -1 };
}
