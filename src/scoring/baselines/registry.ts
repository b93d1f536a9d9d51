/**
 * Every policy a simulation can compare, by name, with the line `--help` shows for it.
 */
import type { TierfitConfig } from "../../config/schema.js";
import { TierfitError } from "../../errors.js";
import { type ScoringPolicy, tierfitPolicy } from "../policy.js";
import {
  bestFitPolicy,
  binpackPolicy,
  dotProductPolicy,
  fgdPolicy,
  gpuClusteringPolicy,
  gpuPackingPolicy,
  kubeDefaultPolicy,
  randomPolicy,
} from "./policies.js";

export const POLICY_NAMES = [
  "kube-default",
  "binpack",
  "random",
  "dotprod",
  "gpu-clustering",
  "gpu-packing",
  "bestfit",
  "fgd",
  "tierfit",
] as const;

export type PolicyName = (typeof POLICY_NAMES)[number];

export const POLICY_DESCRIPTIONS: Readonly<Record<PolicyName, string>> = {
  "kube-default": "kube-scheduler defaults: least-allocated CPU/memory plus balanced allocation (spreads)",
  binpack: "kube-scheduler MostAllocated over CPU, memory and GPUs (packs)",
  random: "FGD paper baseline: a uniformly random feasible node and GPU (seeded)",
  dotprod: "FGD paper baseline: Tetris dot product of free and requested CPU/GPU",
  "gpu-clustering": "FGD paper baseline: keeps pods of one GPU shape together",
  "gpu-packing": "FGD paper baseline: fills partly used GPUs, then used nodes, then idle ones",
  bestfit: "FGD paper baseline: least CPU and GPU left over",
  fgd: "FGD paper: fragmentation gradient descent over the typical pods",
  tierfit: "tierfit's own policy: GPU memory, isolation tiers, live demand, fragmentation (config weights)",
};

export function isPolicyName(name: string): name is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(name);
}

/** "  kube-default    kube-scheduler defaults: …", one line per policy. */
export function describePolicies(): string {
  const width = Math.max(...POLICY_NAMES.map((n) => n.length));
  return POLICY_NAMES.map((n) => `  ${n.padEnd(width)}  ${POLICY_DESCRIPTIONS[n]}`).join("\n");
}

/** A fresh policy object (its caches are per run); `seed` drives the random baseline. */
export function policyByName(name: string, config: TierfitConfig, opts: { readonly seed: number }): ScoringPolicy {
  if (!isPolicyName(name)) {
    throw new TierfitError("TF_ERR_INPUT", `unknown policy "${name}"; known policies: ${POLICY_NAMES.join(", ")}`);
  }
  switch (name) {
    case "kube-default":
      return kubeDefaultPolicy();
    case "binpack":
      return binpackPolicy();
    case "random":
      return randomPolicy(opts.seed);
    case "dotprod":
      return dotProductPolicy();
    case "gpu-clustering":
      return gpuClusteringPolicy();
    case "gpu-packing":
      return gpuPackingPolicy();
    case "bestfit":
      return bestFitPolicy();
    case "fgd":
      return fgdPolicy();
    case "tierfit":
      return tierfitPolicy(config);
  }
}
