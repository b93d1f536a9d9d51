/**
 * Settings read once when `tierfit serve` starts (the API client and the binder are built with
 * them): a reload that changes one is reported, never silently ignored.
 */
import type { TierfitConfig } from "./schema.js";

const START_ONLY = ["apiTimeoutMs", "bindGraceSeconds"] as const;

/** One message per start-only setting that differs between the config in effect and a reloaded one. */
export function startOnlyChanges(inEffect: TierfitConfig, reloaded: TierfitConfig): string[] {
  return START_ONLY.filter((key) => reloaded.kube[key] !== inEffect.kube[key]).map(
    (key) =>
      `kube.${key} changed to ${reloaded.kube[key]}, but it is read only at start: ` +
      `${inEffect.kube[key]} stays in effect until tierfit serve restarts`,
  );
}
