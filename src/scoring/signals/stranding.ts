/**
 * Stranding: how many GPU thousandths the placement leaves without the CPU to use them
 * (stranding.ts). 10 when it strands at most 0.005 GPU per GPU of the node (0.04 on an 8-GPU
 * node: rounding, not a loss), then one point less per further tenth of a GPU. CPU-only pods are
 * scored too: spending a GPU node's CPU strands its GPUs.
 *
 * The tolerance was 0.025 GPU per GPU while the CPU per GPU came from the configured typical pods
 * alone: judged by their 8 cores per GPU, inference replicas asking 8 cores for a third of an A100
 * seemed to strand a little with every replica smaller than its neighbours, and a stricter
 * tolerance woke nodes for them (inference-diurnal, forecast scaling: 1,529 GPU-hours instead of
 * 1,200 at 0.005). With the CPU per GPU learnt from the cluster (learned-cpu.ts) the replicas
 * strand alike everywhere, and 0.005 lets openb-fgd allocate 0.9604 of its GPUs (median of ten
 * seeds) instead of 0.9592 at 0.025; openb-timed, inference-diurnal and mixed-tiers are within
 * 15 GPU-hours of what they were.
 */
import { type DevicePlan, devicePlanFor } from "../device-choice.js";
import { strandingDelta } from "../stranding.js";
import type { Signal } from "../types.js";

/** Stranded thousandths that cost one point; per GPU of the node, those that cost nothing yet. */
export const MILLI_PER_POINT = 100;
export const TOLERATED_MILLI_PER_GPU = 5;

export function strandingScore(delta: number, nodeGpus: number): number {
  return Math.min(10, Math.max(0, 10 - (delta - TOLERATED_MILLI_PER_GPU * nodeGpus) / MILLI_PER_POINT));
}

export const stranding: Signal<DevicePlan> = {
  name: "stranding",
  normalize: "fixed",
  preScore: (pod, ctx) => devicePlanFor(pod, ctx),
  filter: () => null,
  fits: () => true,
  filters: false,
  score: (pod, node, _ctx, plan) => strandingScore(strandingDelta(pod, node, plan), node.devices.length),
};
