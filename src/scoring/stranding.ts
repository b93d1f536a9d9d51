/**
 * GPUs stranded by CPU: idle GPU capacity a node's remaining CPU can no longer feed. The CPU each
 * idle GPU will need is what the workload mix's GPU pods ask per GPU (fragmentation.ts
 * CompiledMix, learnt from the cluster's pods by learned-cpu.ts when `learnCpuPerGpu` is on), or
 * what the pods already on the node ask, if more: a node serving CPU-heavy replicas is expected
 * to get more of them. On the openb trace the pods ask about 11 cores per GPU while P100 and
 * V100M16 nodes offer 8: a placement that spends such a node's CPU on a CPU-heavy pod leaves GPUs
 * there that no later pod can use, which FGD's fragmentation sees only when a typical pod's whole
 * CPU request no longer fits. Units are thousandths of a GPU.
 */
import type { NodeState, PodRequest } from "../cluster/types.js";
import { chooseFinal, type DevicePlan } from "./device-choice.js";
import { idleGpuMilli } from "./fragmentation.js";

/** Idle GPU thousandths beyond what `milliCpuLeft` feeds at `milliCpuPerGpuMilli`; 0 without a ratio. */
export function strandedMilli(idleMilli: number, milliCpuLeft: number, milliCpuPerGpuMilli: number): number {
  if (!(milliCpuPerGpuMilli > 0) || idleMilli <= 0) return 0;
  return Math.max(0, idleMilli - Math.max(0, milliCpuLeft) / milliCpuPerGpuMilli);
}

/** How much placing the pod on the devices `plan` chose changes the node's stranded GPU (> 0 = more). */
export function strandingDelta(pod: PodRequest, node: NodeState, plan: DevicePlan): number {
  if (!chooseFinal(node, plan)) return 0;
  const idle = idleGpuMilli(node);
  const allocated = node.devices.length * 1000 - idle;
  const mixRatio = plan.mix.milliCpuPerGpuMilli;
  const ratio = allocated > 0 ? Math.max(mixRatio, node.requested.milliCpu / allocated) : mixRatio;
  const cpuLeft = node.view.allocatable.milliCpu - node.requested.milliCpu;
  let taken = 0;
  for (let j = 0; j < plan.count; j++) {
    const d = node.devices[plan.indices[j]];
    if (d.capacityUnits > 0) taken += (plan.units[j] * 1000) / d.capacityUnits;
  }
  return strandedMilli(idle - taken, cpuLeft - pod.resources.milliCpu, ratio) - strandedMilli(idle, cpuLeft, ratio);
}
