/**
 * The artifact's BestFitScore: how little CPU and GPU the node has left after the pod, each
 * normalised by the largest node spec (128 cores, 8 GPUs) and weighted ½, reversed onto 0..100:
 *
 *   score = int(100 · (1 − (½ · (cpuLeft − podCpu)/128000 + ½ · (gpuLeft − podGpu)/8000)))
 *
 * with gpuLeft the node's total free GPU and podGpu = count × share. The artifact's min-max
 * NormalizeScore that follows is left out: it maps the highest score to 100 and every lower one
 * below it, so it never changes the winner. A node short of either resource (an error in the
 * artifact; the filters keep such nodes out) scores 0. GPU choice: "best" (device-choice binpack).
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

export function bestFitScore(pod: PodRequest, node: NodeState): number {
  const cpuLeft = milliCpuLeft(node);
  const cpu = podMilliCpu(pod);
  const gpuLeft = totalFreeMilli(node);
  const gpu = podGpuMilli(pod, node) * pod.gpuCount;
  if (cpuLeft < cpu || gpuLeft < gpu) return 0;
  let waste = 0;
  waste += ((cpuLeft - cpu) / MAX_SPEC_CPU) * 0.5;
  waste += ((gpuLeft - gpu) / MAX_SPEC_GPU) * 0.5;
  return Math.trunc((1 - waste) * 100);
}

export const bestFit = intScoreSignal("bestFit", () => null, bestFitScore);
