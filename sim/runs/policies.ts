/**
 * Which scoring policy a run uses, by name. Every policy is a configuration of the one scoring
 * core (src/scoring and its baselines): the simulator has no placement logic of its own.
 */
import type { TierfitConfig } from "../../src/config/schema.js";
import { POLICY_NAMES, policyByName } from "../../src/scoring/baselines/registry.js";
import type { ScoringPolicy } from "../../src/scoring/policy.js";

export { POLICY_NAMES };

/** A fresh policy for one simulation (caches and the random baseline's stream are per run). */
export function policyFor(name: string, config: TierfitConfig, options: { seed: number }): ScoringPolicy {
  return policyByName(name, config, options);
}
