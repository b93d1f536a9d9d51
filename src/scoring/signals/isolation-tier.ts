/**
 * Isolation tiers. Hard: a node's tier must be at least the pod's (unresolvable: evicting pods
 * does not make a node stronger), and a pod's GPUs must not be shared with another tenant's
 * pods unless both run at a sharing tier (device-choice.ts skips such devices; when that leaves
 * too few, this filter says so, counting the other tenant's pods without naming them).
 * Score: each tier of isolation beyond what the pod needs costs, so strong nodes stay free for
 * the pods that need them.
 */
import type { NodeState, PodRequest } from "../../cluster/types.js";
import type { TierfitConfig } from "../../config/schema.js";
import { blockedByTenancy, type DevicePlan, devicePlanFor, planDevices } from "../device-choice.js";
import { gpuShortfall } from "../gpu-fit.js";
import type { Rejection, Signal } from "../types.js";

function tierName(config: TierfitConfig, tier: number): string {
  return config.tiers[tier]?.name ?? `#${tier}`;
}

function tooWeak(pod: PodRequest, node: NodeState, config: TierfitConfig): Rejection {
  return {
    signal: "isolationTier",
    reason: `needs tier ${tierName(config, pod.tier)} (${pod.tierSource}); node is ${tierName(config, node.view.tier)} (${node.view.tierSource})`,
    unresolvable: true,
  };
}

/** Whether other tenants, not memory, leave the pod too few devices on this node. */
function tenantsBlock(node: NodeState, plan: DevicePlan): boolean {
  return plan.pod.gpuCount > 0 && !planDevices(node, plan) && blockedByTenancy(plan);
}

export const isolationTier: Signal<DevicePlan> = {
  name: "isolationTier",
  normalize: "fixed",
  preScore: (pod, ctx) => devicePlanFor(pod, ctx),
  fits: (pod, node, _ctx, plan) => node.view.tier >= pod.tier && !tenantsBlock(node, plan),
  filter(pod, node, ctx, plan) {
    if (node.view.tier < pod.tier) return tooWeak(pod, node, ctx.config);
    if (tenantsBlock(node, plan)) return gpuShortfall(pod, node, ctx.config);
    return null;
  },
  score(pod, node, ctx) {
    const steps = ctx.config.tiers.length - 1;
    if (steps <= 0) return 10;
    const excess = Math.max(0, node.view.tier - pod.tier);
    return 10 * (1 - excess / steps);
  },
};
