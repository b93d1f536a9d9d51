/**
 * The headline of a scenario that has a baseline: GPU-hours each policy provisions less than the
 * baseline, per seed (runs of the same seed see the same load), as the median and range over seeds.
 */
import type { RunResult } from "../results.js";
import type { ScenarioKind } from "../scenario/schema.js";
import { policiesOf, spread } from "./stats.js";

/** What careful operators run today, per kind of scenario that names one. */
const BASELINES: Partial<Record<ScenarioKind, string>> = { fleet: "kube-default+reactive" };

/** One line per policy against the kind's baseline; empty when the kind has none or it did not run. */
export function savingHeadline(kind: ScenarioKind | undefined, runs: readonly RunResult[]): string[] {
  const baseline = kind === undefined ? undefined : BASELINES[kind];
  if (baseline === undefined) return [];
  const base = new Map(runs.filter((r) => r.policy === baseline).map((r) => [r.seed, r.metrics.gpuHoursProvisioned]));
  if (base.size === 0) return [];
  const lines: string[] = [];
  for (const policy of policiesOf({ runs })) {
    if (policy === baseline) continue;
    const savings = runs
      .filter((r) => r.policy === policy && (base.get(r.seed) ?? 0) > 0)
      .map((r) => 100 * (1 - r.metrics.gpuHoursProvisioned / base.get(r.seed)!));
    if (savings.length === 0) continue;
    const s = spread(savings);
    const range = s.min === s.max ? "" : ` (${percent(s.min)} to ${percent(s.max)} % over seeds)`;
    const verb = s.median >= 0 ? "fewer" : "more";
    lines.push(`${policy}: ${percent(Math.abs(s.median))} % ${verb} GPU-hours provisioned than ${baseline}${range}`);
  }
  return lines;
}

function percent(x: number): string {
  return (Math.round(x * 10) / 10).toString();
}
