/**
 * The annotation tierfit writes on a pod at bind time, naming its devices and the GPU memory it
 * holds on each: `{"0": 20480, "3": 7536.64}` (device index → MiB, fractional for shares). It
 * lets a restarted extender rebuild the ledger from the pods alone.
 */
import { TierfitError } from "../errors.js";
import { mibToUnits, unitsToMiB } from "./gpu-units.js";
import type { DeviceAssignment } from "./types.js";
import { isObject } from "./v1-fields.js";

export const GPU_DEVICES_ANNOTATION = "tierfit.io/gpu-devices";

export function formatDeviceAnnotation(devices: readonly DeviceAssignment[]): string {
  const byIndex: Record<string, number> = {};
  // Integer-like keys serialise in ascending order whatever the insertion order.
  for (const d of devices) byIndex[String(d.index)] = unitsToMiB(d.units);
  return JSON.stringify(byIndex);
}

/** The assignments in device order; a TierfitError saying what is wrong with anything else. */
export function parseDeviceAnnotation(value: string, where: string): DeviceAssignment[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalid(where, value, "it is not JSON");
  }
  if (!isObject(parsed)) throw invalid(where, value, "it must be a JSON object of device index to MiB");
  const devices: DeviceAssignment[] = [];
  for (const [key, mib] of Object.entries(parsed)) {
    if (!/^(0|[1-9]\d{0,3})$/.test(key)) throw invalid(where, value, `"${key}" is not a device index`);
    if (typeof mib !== "number" || !Number.isFinite(mib) || mib < 0) {
      throw invalid(where, value, `device ${key} must hold a number of MiB, 0 or more`);
    }
    devices.push({ index: Number(key), units: mibToUnits(mib) });
  }
  return devices.sort((a, b) => a.index - b.index);
}

function invalid(where: string, value: string, why: string): TierfitError {
  const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return new TierfitError(
    "TF_ERR_INPUT",
    `${where}: ${GPU_DEVICES_ANNOTATION} ${JSON.stringify(shown)} is invalid: ${why}`,
  );
}
