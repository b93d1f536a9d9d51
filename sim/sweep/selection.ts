/**
 * Which policies and seeds a sweep runs: the scenario's own, or what --policies and --seeds ask
 * for. Policy labels are checked and normalised the way the scenario loader does it, so an
 * override means exactly what the same list in the scenario file would.
 */
import { TierfitError } from "../../src/errors.js";
import { POLICY_NAMES } from "../runs/policies.js";
import { listModes, scalingModesFor, splitPolicyLabel } from "../scenario/policy-label.js";
import type { Scenario } from "../scenario/types.js";

/** `fgd,tierfit` → normalised labels; for inference scenarios `policy[+scaling]`, for fleet `policy+scaling`. */
export function selectPolicies(text: string | undefined, scenario: Scenario): string[] {
  if (text === undefined) return [...scenario.policies];
  const labels = splitList(text, "--policies");
  const known = POLICY_NAMES as readonly string[];
  const unknown = labels.map((l) => splitPolicyLabel(l).policy).filter((p) => !known.includes(p));
  if (unknown.length > 0) {
    const which = unknown.map((p) => `"${p}"`).join(", ");
    throw new TierfitError("TF_ERR_INPUT", `--policies: unknown policy ${which} (known policies: ${known.join(", ")})`);
  }
  const normalised = labels.map((label) => {
    const { policy, scaling } = splitPolicyLabel(label);
    const modes = scalingModesFor(scenario.kind);
    if (modes === null) {
      if (scaling !== null) {
        throw new TierfitError(
          "TF_ERR_INPUT",
          `--policies: "${label}": +${scaling} (replica scaling) applies to inference and fleet scenarios only; ${scenario.name} is ${scenario.kind}`,
        );
      }
      return policy;
    }
    if (scaling !== null && !modes.includes(scaling)) {
      throw new TierfitError(
        "TF_ERR_INPUT",
        `--policies: "${label}": unknown scaling "${scaling}" (${listModes(modes)})`,
      );
    }
    if (scenario.kind === "inference") return `${policy}+${scaling ?? scenario.inference.scaling}`;
    if (scaling === null) {
      throw new TierfitError("TF_ERR_INPUT", `--policies: "${label}" needs its replica scaling (${listModes(modes)})`);
    }
    return label;
  });
  const twice = normalised.filter((l, i) => normalised.indexOf(l) !== i);
  if (twice.length > 0) throw new TierfitError("TF_ERR_INPUT", `--policies: ${twice.join(", ")} listed twice`);
  return normalised;
}

/**
 * `N` → the scenario's first N seeds (1..N when it lists fewer); `a,b,c` → exactly those seeds
 * (a single seed is written with a trailing comma: `42,`).
 */
export function selectSeeds(text: string | undefined, scenarioSeeds: readonly number[]): number[] {
  if (text === undefined) return [...scenarioSeeds];
  if (!text.includes(",")) {
    const count = wholeNumber(text.trim(), "--seeds");
    if (count < 1) throw new TierfitError("TF_ERR_INPUT", `--seeds ${text}: a seed count must be at least 1`);
    if (scenarioSeeds.length >= count) return scenarioSeeds.slice(0, count);
    return Array.from({ length: count }, (_, i) => i + 1);
  }
  const seeds = splitList(text, "--seeds").map((s) => wholeNumber(s, "--seeds"));
  const twice = seeds.filter((s, i) => seeds.indexOf(s) !== i);
  if (twice.length > 0) throw new TierfitError("TF_ERR_INPUT", `--seeds: seed ${twice.join(", ")} listed twice`);
  return seeds;
}

function splitList(text: string, option: string): string[] {
  const items = text.split(",").map((s) => s.trim());
  // A trailing comma is allowed (it is how one seed is told from a count); an empty item elsewhere is a typo.
  if (items.length > 1 && items.at(-1) === "") items.pop();
  if (items.length === 0 || items.some((s) => s === "")) {
    throw new TierfitError("TF_ERR_INPUT", `${option} "${text}": expected a comma-separated list with no empty items`);
  }
  return items;
}

function wholeNumber(text: string, option: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw new TierfitError("TF_ERR_INPUT", `${option}: "${text}" is not a whole number ≥ 0`);
  }
  return n;
}
