/**
 * What /readyz answers: ready once the config is loaded and (unless --standalone) the caches have
 * synced. Live demand is reported but never blocks readiness: without it the liveDemand signal
 * goes neutral (fail-open), which is safer than refusing to schedule GPU pods.
 */
import type { DemandStatus } from "./ports.js";
import type { ExtenderDeps } from "./runtime.js";

export interface Readiness {
  readonly ready: boolean;
  readonly missing: readonly string[];
  /** The live-demand source's health, when tierfit reads Redis. */
  readonly demand?: DemandStatus;
}

export function readiness(deps: ExtenderDeps): Readiness {
  const missing: string[] = [];
  try {
    deps.config();
  } catch (err) {
    missing.push(`config not loaded: ${err instanceof Error ? err.message : String(err)}`);
  }
  const cache = deps.kube?.cache;
  if (cache !== undefined && !cache.synced()) {
    const why = cache.missing();
    missing.push(...(why.length > 0 ? why : ["cluster cache not synced"]));
  }
  const demand = deps.demandStatus?.();
  return demand ? { ready: missing.length === 0, missing, demand } : { ready: missing.length === 0, missing };
}
