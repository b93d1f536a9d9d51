/**
 * GPU memory per device, never node totals: each of the pod's `gpuCount` GPUs must fit on its own
 * device with enough free units (a share of a device, or an absolute amount), on an accepted
 * product, on a device others' tenants allow it to share (device-choice.ts decides all of it).
 * Score, over the devices chosen, 0..10:
 *  - fill: 5 minus the mean change in the devices' expected waste (expected-waste.ts), a point
 *    per 200 thousandths of a device: above 5 where the placement lowers it (it takes room that
 *    would otherwise stay unused), below where it raises it (it leaves a remainder few pods fit);
 *  - binpack: how full they end up (less left over is better); spread: how empty.
 * A pod with no GPUs passes with a neutral 5.
 */
import type { NodeState } from "../../cluster/types.js";
import { chooseFinal, type DevicePlan, devicePlanFor, planDevices } from "../device-choice.js";
import { deviceWasteDelta } from "../expected-waste.js";
import { gpuShortfall } from "../gpu-fit.js";
import type { Signal } from "../types.js";

export const NEUTRAL = 5;

/** Expected-waste thousandths per point of the fill score. */
export const WASTE_MILLI_PER_POINT = 200;

export const gpuMemory: Signal<DevicePlan> = {
  name: "gpuMemory",
  normalize: "fixed",
  preScore: (pod, ctx) => devicePlanFor(pod, ctx),
  fits: (_pod, node, _ctx, plan) => planDevices(node, plan),
  filter: (pod, node, ctx, plan) => (planDevices(node, plan) ? null : gpuShortfall(pod, node, ctx.config)),
  score(pod, node, _ctx, plan) {
    if (pod.gpuCount === 0) return NEUTRAL;
    if (!chooseFinal(node, plan)) return 0;
    if (plan.packing === "fill") return fillScore(node, plan);
    let leftover = 0;
    for (let j = 0; j < plan.count; j++) {
      const device = node.devices[plan.indices[j]];
      leftover += (device.freeUnits - plan.units[j]) / device.capacityUnits;
    }
    const meanLeftover = leftover / plan.count;
    return 10 * (plan.packing === "spread" ? meanLeftover : 1 - meanLeftover);
  },
};

function fillScore(node: NodeState, plan: DevicePlan): number {
  let delta = 0;
  for (let j = 0; j < plan.count; j++)
    delta += deviceWasteDelta(plan.mix, node.devices[plan.indices[j]], plan.units[j]);
  return Math.min(10, Math.max(0, NEUTRAL - delta / plan.count / WASTE_MILLI_PER_POINT));
}
