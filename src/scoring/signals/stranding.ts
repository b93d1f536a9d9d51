/**
 * Stranding: how many GPU thousandths the placement leaves without the CPU to use them
 * (stranding.ts). 10 when it strands at most 0.025 GPU per GPU of the node (0.2 on an 8-GPU
 * node, 0.025 on a 1-GPU one), then one point less per further tenth of a GPU. The tolerance
 * grows with the node because the CPU per GPU is the typical pods' average, not a promise, and
 * its error grows with the node: an inference replica asking 8 cores beside a third of an A100
 * "strands" 0.1 GPU of a 96-core node by that measure (a flat 0.2 GPU let that pass and let a
 * 1-GPU T4 node lose a fifth of its GPU; openb-timed measured 59,587 GPU-hours with it, 56,338
 * with the per-GPU tolerance). CPU-only pods are scored too: spending a GPU node's CPU strands
 * its GPUs.
 */
import { type DevicePlan, devicePlanFor } from "../device-choice.js";
import { strandingDelta } from "../stranding.js";
import type { Signal } from "../types.js";

/** Stranded thousandths that cost one point; per GPU of the node, those that cost nothing yet. */
export const MILLI_PER_POINT = 100;
export const TOLERATED_MILLI_PER_GPU = 25;

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
