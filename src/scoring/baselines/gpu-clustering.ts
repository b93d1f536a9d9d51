/**
 * The artifact's GpuClusteringScore: keep pods of one GPU "affinity" together. A pod's affinity
 * is `share-gpu` (part of one GPU) or `N-gpu` (N whole GPUs); a node's is the set of affinities
 * of the GPU pods on it. With L the node's total free GPU in thousandths and
 * base = 25 · (8000 − L) / 8000 (Go integer division), the score is
 *   base + 75  the node holds only pods of the pod's affinity,
 *   base + 50  it holds that affinity among others,
 *   base + 25  it holds no GPU pod,
 *   base       it holds only other affinities;
 * 0 for a pod without GPUs. GPU choice: "best" (device-choice binpack).
 */
import type { NodeState, PodRequest } from "../../cluster/types.js";
import { LatestStateCache } from "../state-cache.js";
import { MAX_SPEC_GPU, sharesOneGpu, totalFreeMilli } from "./artifact-units.js";
import { intScoreSignal } from "./int-signal.js";

const SHARE = "share-gpu";

export function podAffinity(pod: PodRequest): string | null {
  if (pod.gpuCount === 0) return null;
  return sharesOneGpu(pod) ? SHARE : `${pod.gpuCount}-gpu`;
}

/** Pods on the node per affinity, read from the devices' occupants. */
export function nodeAffinities(node: NodeState): Map<string, number> {
  const devicesHeld = new Map<string, number>();
  const partial = new Set<string>();
  for (const d of node.devices) {
    for (const o of d.occupants) {
      devicesHeld.set(o.podKey, (devicesHeld.get(o.podKey) ?? 0) + 1);
      if (o.units < d.capacityUnits) partial.add(o.podKey);
    }
  }
  const out = new Map<string, number>();
  for (const [pod, devices] of devicesHeld) {
    const affinity = devices === 1 && partial.has(pod) ? SHARE : `${devices}-gpu`;
    out.set(affinity, (out.get(affinity) ?? 0) + 1);
  }
  return out;
}

export function gpuClusteringScore(
  pod: PodRequest,
  node: NodeState,
  affinities: ReadonlyMap<string, number>,
  affinity = podAffinity(pod),
): number {
  if (affinity === null) return 0;
  const base = Math.trunc((25 * (MAX_SPEC_GPU - Math.trunc(totalFreeMilli(node)))) / MAX_SPEC_GPU);
  if ((affinities.get(affinity) ?? 0) > 0) return base + (affinities.size === 1 ? 75 : 50);
  return base + (affinities.size === 0 ? 25 : 0);
}

/** Affinities are read once per node state (NodeState objects are immutable snapshots), per policy. */
export function gpuClusteringSignal() {
  const memo = new LatestStateCache<Map<string, number>>();
  const affinitiesOf = (node: NodeState) => {
    let hit = memo.get(node);
    if (hit === undefined) {
      hit = nodeAffinities(node);
      memo.set(node, hit);
    }
    return hit;
  };
  return intScoreSignal("gpuClustering", podAffinity, (pod, node, _ctx, affinity) =>
    affinity === null ? 0 : gpuClusteringScore(pod, node, affinitiesOf(node), affinity),
  );
}
