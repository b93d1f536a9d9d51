import { describe, expect, it } from "vitest";
import {
  formatDeviceAnnotation,
  GPU_DEVICES_ANNOTATION,
  parseDeviceAnnotation,
} from "../../src/cluster/device-annotation.js";
import { unitsOnDevice } from "../../src/cluster/gpu-units.js";
import { TierfitError } from "../../src/errors.js";

describe("the tierfit.io/gpu-devices annotation", () => {
  it("is named as the design says", () => {
    expect(GPU_DEVICES_ANNOTATION).toBe("tierfit.io/gpu-devices");
  });

  it("writes device index → MiB in device order, fractional for shares", () => {
    const share = unitsOnDevice({ kind: "milli", milli: 460 }, 16384); // 46% of a T4-sized device
    expect(
      formatDeviceAnnotation([
        { index: 3, units: share },
        { index: 0, units: 20480 * 1000 },
      ]),
    ).toBe('{"0":20480,"3":7536.64}');
    expect(formatDeviceAnnotation([])).toBe("{}");
  });

  it("round-trips every assignment exactly, including shares of odd-sized devices", () => {
    const devices = [
      { index: 0, units: unitsOnDevice({ kind: "milli", milli: 333 }, 15360) },
      { index: 1, units: unitsOnDevice({ kind: "mib", mib: 1430.511474609375 }, 15360) },
      { index: 7, units: unitsOnDevice({ kind: "milli", milli: 1000 }, 81559) },
      { index: 12, units: 1 },
    ];
    expect(parseDeviceAnnotation(formatDeviceAnnotation(devices), "pod ml/a")).toEqual(devices);
  });

  it("reads what another writer put in any key order", () => {
    expect(parseDeviceAnnotation('{ "2": 1024, "0": 512.5 }', "pod ml/a")).toEqual([
      { index: 0, units: 512_500 },
      { index: 2, units: 1_024_000 },
    ]);
  });

  it.each<[string, string]>([
    ["[0, 1]", "it must be a JSON object of device index to MiB"],
    ["20480", "it must be a JSON object of device index to MiB"],
    ["{0: 1}", "it is not JSON"],
    ['{"gpu0": 1}', '"gpu0" is not a device index'],
    ['{"-1": 1}', '"-1" is not a device index'],
    ['{"01": 1}', '"01" is not a device index'],
    ['{"0": "20Gi"}', "device 0 must hold a number of MiB, 0 or more"],
    ['{"0": -5}', "device 0 must hold a number of MiB, 0 or more"],
  ])("refuses %s", (value, why) => {
    const err = catchError(() => parseDeviceAnnotation(value, "pod ml/a"));
    expect(err).toBeInstanceOf(TierfitError);
    expect(err.code).toBe("TF_ERR_INPUT");
    expect(err.message).toBe(`pod ml/a: tierfit.io/gpu-devices ${JSON.stringify(value)} is invalid: ${why}`);
  });
});

function catchError(fn: () => unknown): TierfitError {
  try {
    fn();
  } catch (err) {
    return err as TierfitError;
  }
  throw new Error("expected an error");
}
