import { describe, expect, it } from "vitest";
import { parseBytes, parseMilliCpu, parseNanos, parseQuantity } from "../../src/cluster/quantity.js";
import { TierfitError } from "../../src/errors.js";

const GI = 2 ** 30;

describe("parseQuantity / parseMilliCpu / parseBytes", () => {
  // input, decimal value, MilliValue() (rounds up), Value() (rounds up)
  it.each<[string | number, number, number, number]>([
    ["20Gi", 20 * GI, 20 * GI * 1000, 20 * GI],
    ["500m", 0.5, 500, 1],
    ["1.5", 1.5, 1500, 2],
    ["1e3", 1000, 1_000_000, 1000],
    ["1E3", 1000, 1_000_000, 1000],
    ["1e+3", 1000, 1_000_000, 1000],
    ["1.5e3", 1500, 1_500_000, 1500],
    ["1e-3", 0.001, 1, 1],
    ["25e-2", 0.25, 250, 1],
    ["128974848", 128974848, 128974848000, 128974848],
    ["1.5G", 1.5e9, 1.5e12, 1.5e9],
    ["100Ki", 102400, 102400000, 102400],
    ["2E", 2e18, 2e21, 2e18],
    ["1k", 1000, 1_000_000, 1000],
    ["1M", 1e6, 1e9, 1e6],
    ["1T", 1e12, 1e15, 1e12],
    ["1P", 1e15, 1e18, 1e15],
    ["1Mi", 2 ** 20, 2 ** 20 * 1000, 2 ** 20],
    ["1.5Gi", 1.5 * GI, 1.5 * GI * 1000, 1.5 * GI],
    ["1Ti", 2 ** 40, 2 ** 40 * 1000, 2 ** 40],
    ["1Pi", 2 ** 50, 2 ** 50 * 1000, 2 ** 50],
    ["1Ei", 2 ** 60, 2 ** 60 * 1000, 2 ** 60],
    ["0.1Ki", 102.4, 102400, 103],
    ["0.1", 0.1, 100, 1],
    ["1.0001", 1.0001, 1001, 2],
    ["0.5m", 0.0005, 1, 1],
    ["1u", 0.000001, 1, 1],
    ["1n", 1e-9, 1, 1],
    ["0.1n", 1e-9, 1, 1], // finer than nano rounds up to 1n, as in Kubernetes
    ["0", 0, 0, 0],
    ["-0", 0, 0, 0],
    ["+2", 2, 2000, 2],
    ["1.", 1, 1000, 1],
    [".5", 0.5, 500, 1],
    ["007", 7, 7000, 7],
    [2, 2, 2000, 2],
    [0.25, 0.25, 250, 1],
    [1e-7, 1e-7, 1, 1], // String(1e-7) is "1e-7"
    [1e15, 1e15, 1e18, 1e15],
  ])("%s", (input, value, milli, whole) => {
    expect(parseQuantity(input, "q")).toBe(value);
    expect(parseMilliCpu(input, "q")).toBe(milli);
    expect(parseBytes(input, "q")).toBe(whole);
  });

  it("sums exactly, as Kubernetes adds quantities before rounding", () => {
    expect(parseNanos("0.1", "a") + parseNanos("0.2", "b")).toBe(300_000_000n);
    expect(parseNanos("0.5m", "a") + parseNanos("0.5m", "b")).toBe(1_000_000n);
  });

  it.each([
    "abc",
    "",
    " 1",
    "1 ",
    "1 Gi",
    "1gi",
    "1ki",
    "1Gb",
    "1KiB",
    "Ki",
    "1.5.5",
    "1e",
    "1m3",
    ".",
    "+",
    "-",
    "0x10",
    "1,5",
    "1_000",
  ])("rejects %j with the catalogue error", (input) => {
    const err = catchError(() => parseQuantity(input, "pod ml/web, spec.containers[0].resources.requests.cpu"));
    expect(err).toBeInstanceOf(TierfitError);
    expect(err.code).toBe("TF_ERR_QUANTITY");
    expect(err.message).toBe(
      `pod ml/web, spec.containers[0].resources.requests.cpu: ${JSON.stringify(input)} is not a Kubernetes quantity (examples: 500m, 1.5, 20Gi)`,
    );
  });

  it.each([
    ["-1", "is negative"],
    ["-500m", "is negative"],
    ["-1Gi", "is negative"],
    ["1e1000", "exponent out of range"],
    ["9999999999999999999999", "larger than any Kubernetes quantity"],
    ["9Ei", "larger than any Kubernetes quantity"],
  ])("rejects %j: %s", (input, why) => {
    const err = catchError(() => parseMilliCpu(input, "cpu"));
    expect(err.code).toBe("TF_ERR_QUANTITY");
    expect(err.message).toContain(why);
    expect(err.message.startsWith(`cpu: "${input}"`)).toBe(true);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, -2])("rejects the number %s", (input) => {
    expect(() => parseBytes(input, "memory")).toThrow(TierfitError);
  });

  it("rejects values that are not strings or numbers (untrusted JSON)", () => {
    expect(() => parseBytes({ value: 1 } as unknown as string, "memory")).toThrow("is not a Kubernetes quantity");
    expect(() => parseBytes(null as unknown as string, "memory")).toThrow("is not a Kubernetes quantity");
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
