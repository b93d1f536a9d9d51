/** What /readyz answers: ready once the config is loaded and (unless --standalone) the caches have synced. */
import type { ExtenderDeps } from "./runtime.js";

export interface Readiness {
  readonly ready: boolean;
  readonly missing: readonly string[];
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
  return { ready: missing.length === 0, missing };
}
