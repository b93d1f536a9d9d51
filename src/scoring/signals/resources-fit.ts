/**
 * CPU, memory and pod-count fit, as kube-scheduler's NodeResourcesFit filter: a resource the pod
 * requests must fit in what the node has allocatable minus what its pods request. Score:
 * least-allocated (kube's default), the mean over cpu and memory of the share left free after
 * placing the pod, 0..10.
 */
import type { NodeState, PodRequest } from "../../cluster/types.js";
import { formatBytes, formatCpu } from "../format.js";
import type { Rejection, Signal } from "../types.js";

function fits(pod: PodRequest, node: NodeState): boolean {
  const a = node.view.allocatable;
  const r = node.requested;
  const p = pod.resources;
  return (
    r.pods + 1 <= a.pods &&
    (p.milliCpu === 0 || p.milliCpu <= a.milliCpu - r.milliCpu) &&
    (p.memoryBytes === 0 || p.memoryBytes <= a.memoryBytes - r.memoryBytes)
  );
}

/** kube's wording ("Insufficient cpu", "Too many pods") with the numbers. */
function rejection(pod: PodRequest, node: NodeState): Rejection {
  const a = node.view.allocatable;
  const r = node.requested;
  const p = pod.resources;
  const problems: string[] = [];
  let unresolvable = false;
  if (r.pods + 1 > a.pods) {
    problems.push(`Too many pods: ${r.pods} of ${a.pods} used`);
    unresolvable ||= a.pods < 1;
  }
  if (p.milliCpu > 0 && p.milliCpu > a.milliCpu - r.milliCpu) {
    const free = Math.max(0, a.milliCpu - r.milliCpu);
    problems.push(
      `Insufficient cpu: needs ${formatCpu(p.milliCpu)}, ${formatCpu(free)} free of ${formatCpu(a.milliCpu)}`,
    );
    unresolvable ||= p.milliCpu > a.milliCpu;
  }
  if (p.memoryBytes > 0 && p.memoryBytes > a.memoryBytes - r.memoryBytes) {
    const free = Math.max(0, a.memoryBytes - r.memoryBytes);
    problems.push(
      `Insufficient memory: needs ${formatBytes(p.memoryBytes)}, ${formatBytes(free)} free of ${formatBytes(a.memoryBytes)}`,
    );
    unresolvable ||= p.memoryBytes > a.memoryBytes;
  }
  // Evicting pods cannot help a pod bigger than the whole node.
  return { signal: "resourcesFit", reason: problems.join("; "), unresolvable };
}

function freeShareAfter(allocatable: number, requested: number, add: number): number {
  if (allocatable <= 0) return 0;
  return Math.max(0, (allocatable - requested - add) / allocatable);
}

export const resourcesFit: Signal<null> = {
  name: "resourcesFit",
  normalize: "fixed",
  preScore: () => null,
  fits: (pod, node) => fits(pod, node),
  filter: (pod, node) => (fits(pod, node) ? null : rejection(pod, node)),
  score(pod, node) {
    const a = node.view.allocatable;
    const r = node.requested;
    const cpu = freeShareAfter(a.milliCpu, r.milliCpu, pod.resources.milliCpu);
    const memory = freeShareAfter(a.memoryBytes, r.memoryBytes, pod.resources.memoryBytes);
    return 5 * (cpu + memory);
  },
};
