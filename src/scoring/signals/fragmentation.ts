/**
 * Fragmentation Gradient Descent (Weng et al., ATC '23): score a placement by how little it
 * increases the node's fragmentation for the workload mix (fragmentation.ts), counting as
 * fragmented, too, the GPU the node's remaining CPU could no longer feed (stranding.ts): FGD's
 * measure sees CPU only when a typical pod's whole request stops fitting. The artifact maps the
 * change through a sigmoid, `100 · sigmoid((before − after) / 1000)`; this is the same on 0..10:
 * no change = 5, a placement that removes fragmentation > 5, one that adds it < 5.
 */
import type { NodeState, PodRequest } from "../../cluster/types.js";
import { chooseFinal, type DevicePlan, devicePlanFor } from "../device-choice.js";
import { fragmentationAfter, nodeFragmentation } from "../fragmentation.js";
import { strandingDelta } from "../stranding.js";
import type { Signal } from "../types.js";

/** How much the placement changes the node's fragmentation (thousandths of a GPU; > 0 = worse). */
export function fragmentationDelta(pod: PodRequest, node: NodeState, plan: DevicePlan): number {
  if (!chooseFinal(node, plan)) return 0;
  const before = nodeFragmentation(node, plan.mix);
  const after = fragmentationAfter(node, plan.mix, pod.resources.milliCpu, plan.count, plan.indices, plan.units);
  return after - before;
}

/** The artifact's sigmoid on 0..10. */
export function fragmentationScore(delta: number): number {
  return 10 / (1 + Math.exp(delta / 1000));
}

export const fragmentation: Signal<DevicePlan> = {
  name: "fragmentation",
  normalize: "fixed",
  preScore: (pod, ctx) => devicePlanFor(pod, ctx),
  filter: () => null,
  fits: () => true,
  filters: false,
  score: (pod, node, _ctx, plan) =>
    fragmentationScore(fragmentationDelta(pod, node, plan) + strandingDelta(pod, node, plan)),
};
