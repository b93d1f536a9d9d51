/**
 * Run labels: the policy's name, and for inference runs the replica scaling it is paired with,
 * `kube-default+static-peak` — so a report row says exactly what that run did.
 */
import { FLEET_SCALING_MODES } from "./fleet-schema.js";
import { SCALING_MODES, type ScalingMode, type ScenarioKind } from "./schema.js";

export interface PolicyLabel {
  readonly policy: string;
  readonly scaling: ScalingMode | null;
}

/** Splits `name` or `name+scaling`; an unknown scaling is returned as a string for the loader to report. */
export function splitPolicyLabel(label: string): { policy: string; scaling: string | null } {
  const plus = label.indexOf("+");
  if (plus < 0) return { policy: label, scaling: null };
  return { policy: label.slice(0, plus), scaling: label.slice(plus + 1) };
}

export function isScalingMode(text: string): text is ScalingMode {
  return (SCALING_MODES as readonly string[]).includes(text);
}

/** The label of a loaded scenario (already validated); throws on a malformed one, a programmer error. */
export function parsePolicyLabel(label: string): PolicyLabel {
  const { policy, scaling } = splitPolicyLabel(label);
  if (scaling === null) return { policy, scaling: null };
  if (!isScalingMode(scaling)) throw new Error(`policy label ${label}: unknown scaling ${scaling}`);
  return { policy, scaling };
}

/** The replica scalings a kind of scenario takes as `policy+scaling`; null when it takes none. */
export function scalingModesFor(kind: ScenarioKind): readonly string[] | null {
  if (kind === "inference") return SCALING_MODES;
  if (kind === "fleet") return FLEET_SCALING_MODES;
  return null;
}

/** `a, b or c`: how the modes read in messages. */
export function listModes(modes: readonly string[]): string {
  return modes.length < 2 ? modes.join("") : `${modes.slice(0, -1).join(", ")} or ${modes.at(-1)}`;
}
