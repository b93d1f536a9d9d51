/** The one-line description `tierfit config validate` prints for a valid config. */
import type { TierfitConfig } from "./schema.js";

/** "3 tiers (shared-kernel < sandboxed < hypervisor), weighted sum of 5 signals, 2 workload classes". */
export function summarizeConfig(config: TierfitConfig): string {
  const tiers = `${plural(config.tiers.length, "tier")} (${config.tiers.map((t) => t.name).join(" < ")})`;
  const active = Object.values(config.scoring.weights).filter((w) => w > 0).length;
  const scoring =
    config.scoring.expression === null
      ? `weighted sum of ${plural(active, "signal")}`
      : `score expression ${JSON.stringify(config.scoring.expression)}`;
  const classes = plural(Object.keys(config.workloadClasses).length, "workload class", "workload classes");
  return `${tiers}, ${scoring}, ${classes}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
