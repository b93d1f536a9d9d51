/**
 * GPU memory per device, never node totals: each of the pod's `gpuCount` GPUs must fit on its own
 * device with enough free units (a share of a device, or an absolute amount), on an accepted
 * product, on a device others' tenants allow it to share (device-choice.ts decides all of it).
 * Score, over the devices chosen: binpack = how full they end up (less left over is better),
 * spread = how empty; 0..10. A pod with no GPUs passes with a neutral 5.
 */
import { chooseFinal, type DevicePlan, devicePlanFor, planDevices } from "../device-choice.js";
import { gpuShortfall } from "../gpu-fit.js";
import type { Signal } from "../types.js";

export const NEUTRAL = 5;

export const gpuMemory: Signal<DevicePlan> = {
  name: "gpuMemory",
  normalize: "fixed",
  preScore: (pod, ctx) => devicePlanFor(pod, ctx),
  fits: (_pod, node, _ctx, plan) => planDevices(node, plan),
  filter: (pod, node, ctx, plan) => (planDevices(node, plan) ? null : gpuShortfall(pod, node, ctx.config)),
  score(pod, node, _ctx, plan) {
    if (pod.gpuCount === 0) return NEUTRAL;
    if (!chooseFinal(node, plan)) return 0;
    let leftover = 0;
    for (let j = 0; j < plan.count; j++) {
      const device = node.devices[plan.indices[j]];
      leftover += (device.freeUnits - plan.units[j]) / device.capacityUnits;
    }
    const meanLeftover = leftover / plan.count;
    return 10 * (plan.packing === "spread" ? meanLeftover : 1 - meanLeftover);
  },
};
