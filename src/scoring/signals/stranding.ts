/**
 * Stranding: how many GPU thousandths the placement leaves without the CPU to use them
 * (stranding.ts). 10 when it strands at most a tenth of a GPU (the CPU per GPU is the typical
 * pods' average, not a promise: an inference replica asking 8 cores beside a third of an A100
 * "strands" 0.09 GPU of a 96-core node by that measure), then one point less per further tenth,
 * 0 from 1.1 GPUs on. CPU-only pods are scored too: spending a GPU node's CPU strands its GPUs.
 */
import { type DevicePlan, devicePlanFor } from "../device-choice.js";
import { strandingDelta } from "../stranding.js";
import type { Signal } from "../types.js";

/** Stranded thousandths that cost one point, and that cost nothing yet. */
export const MILLI_PER_POINT = 100;
export const TOLERATED_MILLI = 200;

export function strandingScore(delta: number): number {
  return Math.min(10, Math.max(0, 10 - (delta - TOLERATED_MILLI) / MILLI_PER_POINT));
}

export const stranding: Signal<DevicePlan> = {
  name: "stranding",
  normalize: "fixed",
  preScore: (pod, ctx) => devicePlanFor(pod, ctx),
  filter: () => null,
  fits: () => true,
  filters: false,
  score: (pod, node, _ctx, plan) => strandingScore(strandingDelta(pod, node, plan)),
};
