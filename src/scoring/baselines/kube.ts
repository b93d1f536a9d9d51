/**
 * kube-scheduler's resource scores (pkg/scheduler/framework/plugins/noderesources), integer
 * arithmetic as in Go. Defaults (apis/config/v1): NodeResourcesFit scores LeastAllocated over
 * cpu and memory, weight 1 each, and does not score extended resources such as nvidia.com/gpu
 * unless configured; NodeResourcesBalancedAllocation (cpu, memory) is enabled beside it with
 * plugin weight 1. The other default score plugins (taints, affinities, topology spread, image
 * locality) score every node alike for pods that use none of those features, so they are left out.
 *
 * Requests: Fit scores a pod without a CPU or memory request at kube's non-zero defaults (0.1 core,
 * 200 MiB); the node side uses the ledger's requests, which keep no non-zero sums. Balanced
 * scores actual requests, as kube does (useRequested), and skips pods that request nothing.
 * GPUs in MostAllocated are measured in device memory units (what is held of the node's devices,
 * plus the pod's share): for whole-device pods that is kube's count of nvidia.com/gpu.
 */
import { unitsOnDevice } from "../../cluster/gpu-units.js";
import type { NodeState, PodRequest } from "../../cluster/types.js";
import { DEFAULT_MILLI_CPU } from "./artifact-units.js";
import { intScoreSignal } from "./int-signal.js";

/** kube's MaxNodeScore. */
const MAX = 100;
/** schedutil.DefaultMemoryRequest: 200 MiB. */
const DEFAULT_MEMORY_BYTES = 200 * 1024 * 1024;

export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.floor(((capacity - requested) * MAX) / capacity);
}

export function mostRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  return Math.floor((Math.min(requested, capacity) * MAX) / capacity);
}

function nonZeroCpu(pod: PodRequest): number {
  return pod.resources.milliCpu > 0 ? pod.resources.milliCpu : DEFAULT_MILLI_CPU;
}

function nonZeroMemory(pod: PodRequest): number {
  return pod.resources.memoryBytes > 0 ? pod.resources.memoryBytes : DEFAULT_MEMORY_BYTES;
}

/**
 * Sums per-resource scores with weight 1, skipping resources the node has none of (kube skips
 * a zero allocatable), and divides at the end: `add` then `mean`, no allocation per node.
 */
class WeightedMean {
  sum = 0;
  weights = 0;
  add(score: number, allocatable: number): this {
    if (allocatable !== 0) {
      this.sum += score;
      this.weights++;
    }
    return this;
  }
  mean(): number {
    return this.weights === 0 ? 0 : Math.floor(this.sum / this.weights);
  }
  reset(): this {
    this.sum = 0;
    this.weights = 0;
    return this;
  }
}

/** NodeResourcesFit, LeastAllocated, cpu and memory weight 1: 0..100. */
export function leastAllocatedScore(pod: PodRequest, node: NodeState, acc = new WeightedMean()): number {
  const a = node.view.allocatable;
  const r = node.requested;
  return acc
    .reset()
    .add(leastRequestedScore(r.milliCpu + nonZeroCpu(pod), a.milliCpu), a.milliCpu)
    .add(leastRequestedScore(r.memoryBytes + nonZeroMemory(pod), a.memoryBytes), a.memoryBytes)
    .mean();
}

/** NodeResourcesBalancedAllocation over cpu and memory: 100 × (1 − std of the two fractions). */
export function balancedAllocationScore(pod: PodRequest, node: NodeState): number {
  const p = pod.resources;
  if (p.milliCpu === 0 && p.memoryBytes === 0) return 0; // best-effort: kube skips the plugin
  const a = node.view.allocatable;
  const r = node.requested;
  // With one resource (the other has no allocatable) the deviation is 0, as in kube.
  if (a.milliCpu === 0 || a.memoryBytes === 0) return MAX;
  const cpu = Math.min(1, (r.milliCpu + p.milliCpu) / a.milliCpu);
  const memory = Math.min(1, (r.memoryBytes + p.memoryBytes) / a.memoryBytes);
  const std = Math.abs((cpu - memory) / 2);
  return Math.trunc((1 - std) * MAX);
}

/** GPU memory units held on the node's devices. */
function gpuUnitsUsed(node: NodeState): number {
  let used = 0;
  for (const d of node.devices) used += d.capacityUnits - d.freeUnits;
  return used;
}

function gpuUnitsCapacity(node: NodeState): number {
  let capacity = 0;
  for (const d of node.devices) capacity += d.capacityUnits;
  return capacity;
}

/** NodeResourcesFit, MostAllocated, cpu, memory and nvidia.com/gpu weight 1 (GPU only for pods that ask). */
export function mostAllocatedScore(pod: PodRequest, node: NodeState, acc = new WeightedMean()): number {
  const a = node.view.allocatable;
  const r = node.requested;
  acc
    .reset()
    .add(mostRequestedScore(r.milliCpu + nonZeroCpu(pod), a.milliCpu), a.milliCpu)
    .add(mostRequestedScore(r.memoryBytes + nonZeroMemory(pod), a.memoryBytes), a.memoryBytes);
  if (pod.gpuCount > 0) {
    const capacity = gpuUnitsCapacity(node);
    const perDevice = node.view.gpus.length > 0 ? unitsOnDevice(pod.gpuMemory, node.view.gpus[0].memoryMiB) : 0;
    acc.add(mostRequestedScore(gpuUnitsUsed(node) + pod.gpuCount * perDevice, capacity), capacity);
  }
  return acc.mean();
}

/**
 * kube's default scoring, LeastAllocated + BalancedAllocation with weight 1 each (0..200), as one
 * signal: its 0..10 score is the sum / 20, what combining the two would give (summing integers,
 * so equal kube totals stay equal and the name decides), in one call per node. Signals hold their
 * accumulator in per-pod state, so scoring a node allocates nothing.
 */
export const kubeDefault = intScoreSignal(
  "kubeDefault",
  () => new WeightedMean(),
  (pod, node, _ctx, acc) => (leastAllocatedScore(pod, node, acc) + balancedAllocationScore(pod, node)) / 2,
);
export const mostAllocated = intScoreSignal(
  "mostAllocated",
  () => new WeightedMean(),
  (pod, node, _ctx, acc) => mostAllocatedScore(pod, node, acc),
);
