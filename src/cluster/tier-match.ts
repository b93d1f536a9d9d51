/**
 * Which isolation tier a name, a RuntimeClass or a node's runtime labels stand for. Tiers are
 * config.tiers indices, 0 = weakest; when several rules match, the strongest wins.
 */
import type { TierfitConfig } from "../config/schema.js";
import { type ErrorCode, TierfitError } from "../errors.js";

export interface TierMatch {
  readonly tier: number;
  /** What matched, for explanations: the glob, or `label=value`. */
  readonly matched: string;
}

/** The tier called `name`, or a TierfitError naming who asked (`what`) and the allowed names. */
export function tierByName(
  config: TierfitConfig,
  name: string,
  what: string,
  code: ErrorCode = "TF_ERR_INPUT",
): number {
  const index = config.tiers.findIndex((t) => t.name === name);
  if (index >= 0) return index;
  const allowed = config.tiers.map((t) => t.name).join(", ");
  throw new TierfitError(code, `${what} names tier "${name}", which is not configured (tiers: ${allowed})`);
}

/** The strongest tier whose `runtimeClasses` patterns match this RuntimeClass name. */
export function tierForRuntimeClass(config: TierfitConfig, runtimeClassName: string): TierMatch | null {
  for (let tier = config.tiers.length - 1; tier >= 0; tier--) {
    const pattern = config.tiers[tier].runtimeClasses.find((p) => globMatches(p, runtimeClassName));
    if (pattern !== undefined) return { tier, matched: pattern };
  }
  return null;
}

/**
 * The strongest tier among the tiers' own nodeLabels and config.tierSources.runtimeLabels that
 * this node's labels satisfy, exactly: a label value no entry names gives no tier.
 */
export function tierForRuntimeLabels(
  config: TierfitConfig,
  labels: Readonly<Record<string, string>>,
): TierMatch | null {
  let best: TierMatch | null = null;
  config.tiers.forEach((t, tier) => {
    for (const entry of t.nodeLabels) {
      if (!labelMatches(labels, entry)) continue;
      if (best === null || tier > best.tier) best = { tier, matched: `${entry.label}=${labels[entry.label]}` };
    }
  });
  for (const entry of config.tierSources.runtimeLabels) {
    if (!labelMatches(labels, entry)) continue;
    const value = labels[entry.label];
    const tier = tierByName(
      config,
      entry.tier,
      `config tierSources.runtimeLabels entry for label ${entry.label}`,
      "TF_ERR_CONFIG",
    );
    if (best === null || tier > best.tier) best = { tier, matched: `${entry.label}=${value}` };
  }
  return best;
}

/** Whether the node carries the label (with the value, when one is given). */
export function labelMatches(
  labels: Readonly<Record<string, string>>,
  entry: { readonly label: string; readonly value?: string | undefined },
): boolean {
  const value = labels[entry.label];
  return value !== undefined && (entry.value === undefined || value === entry.value);
}

/** `*` matches any run of characters (none included); everything else matches itself. */
export function globMatches(pattern: string, text: string): boolean {
  const parts = pattern.split("*");
  if (parts.length === 1) return pattern === text;
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const found = text.indexOf(parts[i], at);
    if (found < 0 || found + parts[i].length > end) return false;
    at = found + parts[i].length;
  }
  return true;
}
