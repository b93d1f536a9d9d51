/**
 * The artifact's DotProductScore (Tetris-style packing) as its experiments run it: dimExtMethod
 * "merge" (one GPU dimension: the node's total free GPU), normMethod "max" (vectors divided by
 * 128 cores and 8 GPUs), GPU choice "best" (device-choice binpack):
 *
 *   score = int(100 · (1 − (cpuLeft/128000 · podCpu/128000 + gpuLeft/8000 · podGpu/8000) / 2))
 *
 * A node without the CPU for the pod has no match group and scores 0. Float operations in the
 * artifact's order, so the integers match.
 */
import type { NodeState, PodRequest } from "../../cluster/types.js";
import {
  MAX_SPEC_CPU,
  MAX_SPEC_GPU,
  milliCpuLeft,
  podGpuMilli,
  podMilliCpu,
  totalFreeMilli,
} from "./artifact-units.js";
import { intScoreSignal } from "./int-signal.js";

export function dotProductScore(pod: PodRequest, node: NodeState): number {
  const cpu = podMilliCpu(pod);
  const cpuLeft = milliCpuLeft(node);
  if (cpuLeft < cpu) return 0;
  const gpu = podGpuMilli(pod, node) * pod.gpuCount;
  const dot =
    (cpuLeft / MAX_SPEC_CPU) * (cpu / MAX_SPEC_CPU) + (totalFreeMilli(node) / MAX_SPEC_GPU) * (gpu / MAX_SPEC_GPU);
  return Math.trunc(100 * (1 - dot / 2));
}

export const dotProduct = intScoreSignal("dotProduct", () => null, dotProductScore);
