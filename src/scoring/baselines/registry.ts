/** Every policy a simulation can compare, by name. */
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
import { isPolicyName, POLICY_NAMES } from "./policy-names.js";

export { describePolicies, isPolicyName, POLICY_DESCRIPTIONS, POLICY_NAMES, type PolicyName } from "./policy-names.js";

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
