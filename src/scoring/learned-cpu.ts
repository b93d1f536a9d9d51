/**
 * The typical pods' CPU, learnt from the cluster. The stranding signal (stranding.ts) and the
 * fragmentation measure ask how much CPU the next pods will want per GPU; the configured typical
 * pods are a guess at that, made before the cluster ran anything. Once GPU pods run, the cluster
 * says it: AllocationLedger.cpuPerGpu. This rescales the mix's GPU pods' CPU so the mix asks what
 * the cluster asks per GPU, keeping their GPU shapes and weights (the GPU side of the guess is not
 * learnt: expected-waste.ts reads only the shapes, and those the user chose).
 *
 * Why: judged by the default mix's 8 cores per GPU, a 96-core, 8-GPU node serving inference
 * replicas that ask 8 cores for a third of a GPU looks as if each replica smaller than its
 * neighbours strands GPUs, while an idle node looks as if it strands none, so the stranding signal
 * woke nodes for replicas that strand the same wherever they go (inference-diurnal: 1,529 instead
 * of 1,200 GPU-hours with the stricter stranding tolerance that openb-fgd needs).
 */
import { mixCpuPerGpu } from "./fragmentation.js";
import type { TypicalPod } from "./types.js";

/** Cores per GPU the learnt value is rounded to, so the mix (and every memo keyed on it) changes rarely. */
export const CPU_PER_GPU_STEP = 0.5;

/**
 * Per configured mix, its rescaled mixes by step: a ratio that wavers across a step boundary
 * finds its mixes (and what is compiled from them) again.
 */
const learnt = new WeakMap<readonly TypicalPod[], Map<number, readonly TypicalPod[]>>();

/**
 * `mix` with its GPU pods' CPU scaled to `milliCpuPerGpuMilli` (rounded to CPU_PER_GPU_STEP); the
 * same array for the same rounded value, `mix` itself when the value is not positive or the mix
 * has no GPU pods with CPU to scale.
 */
export function mixWithCpuPerGpu(mix: readonly TypicalPod[], milliCpuPerGpuMilli: number): readonly TypicalPod[] {
  const step = Math.round(milliCpuPerGpuMilli / CPU_PER_GPU_STEP);
  if (!(step > 0)) return mix;
  const byStep = learnt.get(mix);
  const hit = byStep?.get(step);
  if (hit !== undefined) return hit;
  const configured = mixCpuPerGpu(mix);
  if (!(configured > 0)) return mix;
  const factor = (step * CPU_PER_GPU_STEP) / configured;
  const scaled = mix.map((p) => (p.gpuCount === 0 ? p : { ...p, milliCpu: p.milliCpu * factor }));
  if (byStep === undefined) learnt.set(mix, new Map([[step, scaled]]));
  else byStep.set(step, scaled);
  return scaled;
}
