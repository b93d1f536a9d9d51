/**
 * A fleet of inference services on an autoscaled node pool: replicas scaled statically for the
 * peak, by an HPA-like reactive loop, or ahead of tierfit's forecast, with model cold starts and
 * node provisioning, placed by the policy (fleet/simulate.ts has the model).
 */
import { poolNodeViews } from "../cluster/node-pool.js";
import type { FleetScalingMode } from "../scenario/fleet-schema.js";
import { splitPolicyLabel } from "../scenario/policy-label.js";
import type { FleetScenario } from "../scenario/types.js";
import { prepareFleet } from "./fleet/prepare.js";
import { type FleetOutcome, simulateFleet } from "./fleet/simulate.js";
import { policyFor } from "./policies.js";

export type { FleetOutcome } from "./fleet/simulate.js";

export function runFleet(
  scenario: FleetScenario,
  label: string,
  seed: number,
  onProgress?: (fraction: number) => void,
): FleetOutcome {
  const { policy, scaling } = splitPolicyLabel(label);
  if (scaling === null) throw new Error(`fleet policy label ${label} has no scaling (the loader requires one)`);
  return simulateFleet({
    scenario,
    plans: prepareFleet(scenario, seed),
    policy: policyFor(policy, scenario.config, { seed }),
    scaling: scaling as FleetScalingMode,
    views: poolNodeViews(scenario.cluster.nodes, scenario.config),
    onProgress,
  });
}
