/**
 * One simulation run: a scenario, one policy label, one seed → a RunResult. Synchronous and
 * deterministic for (scenario, policy, seed); only wallSeconds varies between identical runs.
 * The CLI, worker threads and shards call this and nothing deeper.
 */
import { performance } from "node:perf_hooks";
import type { RunResult } from "./results.js";
import { runFleet } from "./runs/fleet.js";
import { runInference } from "./runs/inference.js";
import { runOpenbFgd } from "./runs/openb-fgd.js";
import { runOpenbTimed } from "./runs/openb-timed.js";
import { runSynthetic } from "./runs/synthetic.js";
import type { Scenario } from "./scenario/types.js";

export interface RunSpec {
  scenario: Scenario;
  /** One of scenario.policies (for inference, `<policy>+<scaling>`). */
  policy: string;
  seed: number;
  onProgress?: (fraction: number) => void;
}

export function runOne(spec: RunSpec): RunResult {
  const { scenario, policy, seed, onProgress } = spec;
  if (!scenario.policies.includes(policy)) {
    throw new Error(`policy ${policy} is not one of scenario ${scenario.name}'s: ${scenario.policies.join(", ")}`);
  }
  const started = performance.now();
  const head = { scenario: scenario.name, policy, seed };
  let result: Omit<RunResult, "wallSeconds">;
  switch (scenario.kind) {
    case "openb-fgd": {
      const r = runOpenbFgd(scenario, policy, seed, onProgress);
      result = {
        ...head,
        metrics: r.metrics,
        perTier: {},
        allocationByArrival: r.allocationByArrival,
        series: r.series,
      };
      break;
    }
    case "openb-timed":
    case "synthetic":
    case "inference":
    case "fleet": {
      const r = runTimedKind(scenario, policy, seed, onProgress);
      result = { ...head, metrics: r.metrics, perTier: r.perTier, series: r.series };
      break;
    }
  }
  return { ...result, wallSeconds: (performance.now() - started) / 1000 };
}

/** The scenario kinds whose runs report metrics, per-tier figures and series over time. */
function runTimedKind(
  scenario: Exclude<Scenario, { kind: "openb-fgd" }>,
  policy: string,
  seed: number,
  onProgress: RunSpec["onProgress"],
): Pick<RunResult, "metrics" | "perTier" | "series"> {
  switch (scenario.kind) {
    case "openb-timed":
      return runOpenbTimed(scenario, policy, seed, onProgress);
    case "synthetic":
      return runSynthetic(scenario, policy, seed, onProgress);
    case "inference":
      return runInference(scenario, policy, seed, onProgress);
    case "fleet":
      return runFleet(scenario, policy, seed, onProgress);
  }
}
