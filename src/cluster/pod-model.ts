/**
 * Which model a pod serves, named as its inference server reports it, so live demand (keyed by
 * that name in Redis) links to the pod. vLLM's default names hold `/`
 * (`meta-llama/Meta-Llama-3-8B-Instruct`), which a label value cannot: the annotation takes any
 * string; a label value goes through the config's alias map (label value → server name).
 */
import type { TierfitConfig } from "../config/schema.js";

export const MODEL_KEY = "tierfit.io/model";

export function podModel(
  labels: Readonly<Record<string, string>>,
  annotations: Readonly<Record<string, string>>,
  config: TierfitConfig,
): string | null {
  const annotated = annotations[MODEL_KEY]?.trim();
  if (annotated) return annotated;
  const label = labels[MODEL_KEY];
  if (!label) return null;
  return Object.hasOwn(config.demand.modelAliases, label) ? config.demand.modelAliases[label] : label;
}
