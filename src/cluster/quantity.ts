/**
 * Kubernetes `resource.Quantity` parsing, exact: the grammar of apimachinery's quantity.go
 * (`<sign><digits>.<digits><suffix>`, suffixes n u m "" k M G T P E, Ki..Ei, and e<int>), the
 * value held as an integer count of nano-units like Kubernetes (finer amounts round up to 1n),
 * so "0.1" + "0.2" cores is exactly 300m and `MilliValue()` / `Value()` round up as in Go.
 * Negative quantities are valid Kubernetes but never a valid request here, so they are errors.
 */
import { clipText, TierfitError } from "../errors.js";

const NUMBER_AND_SUFFIX = /^([+-]?)(\d*)(?:\.(\d*))?([eEinumkKMGTP]*(?:[+-]?\d+)?)$/;

/** Suffix → [power of 10, power of 2]. */
const SUFFIXES: Readonly<Record<string, readonly [number, number]>> = {
  "": [0, 0],
  n: [-9, 0],
  u: [-6, 0],
  m: [-3, 0],
  k: [3, 0],
  M: [6, 0],
  G: [9, 0],
  T: [12, 0],
  P: [15, 0],
  E: [18, 0],
  Ki: [0, 10],
  Mi: [0, 20],
  Gi: [0, 30],
  Ti: [0, 40],
  Pi: [0, 50],
  Ei: [0, 60],
};

/** Kubernetes caps quantities at int64; anything larger is a typo, not a resource. */
const MAX_NANOS = (2n ** 63n - 1n) * 10n ** 9n;
/** Beyond this an exponent cannot describe a real resource (and 10^n would cost memory). */
const MAX_EXPONENT = 100;

/**
 * Longest quantity text read: int64 in nano-units is 28 digits, and Kubernetes itself keeps 18
 * significant digits; a longer string is not a quantity (and its digits would cost BigInt time).
 */
const MAX_QUANTITY_CHARS = 64;

const NANOS_PER_UNIT = 10n ** 9n;
const NANOS_PER_MILLI = 10n ** 6n;

/** The exact quantity as an integer number of nano-units (1e-9), rounded up like Kubernetes. */
export function parseNanos(value: string | number, where: string): bigint {
  const text = typeof value === "number" ? numberText(value) : value;
  if (typeof text !== "string" || text.length > MAX_QUANTITY_CHARS) throw notAQuantity(value, where);
  const m = NUMBER_AND_SUFFIX.exec(text);
  if (!m) throw notAQuantity(value, where);
  const [, sign, whole, fraction = "", suffix] = m;
  if (whole === "" && fraction === "") throw notAQuantity(value, where);
  const [pow10, pow2] = suffixPowers(suffix, value, where);

  const digits = BigInt(whole + fraction || "0");
  if (sign === "-" && digits !== 0n) {
    throw new TierfitError("TF_ERR_QUANTITY", `${where}: ${show(value)} is negative; a request must be 0 or more`);
  }
  // value = digits × 10^(pow10 - fraction.length) × 2^pow2, expressed in nano-units (× 10^9)
  const exp10 = pow10 - fraction.length + 9;
  let numerator = digits << BigInt(pow2);
  let denominator = 1n;
  if (exp10 >= 0) numerator *= 10n ** BigInt(exp10);
  else denominator = 10n ** BigInt(-exp10);
  const nanos = ceilDiv(numerator, denominator);
  if (nanos > MAX_NANOS) {
    throw new TierfitError("TF_ERR_QUANTITY", `${where}: ${show(value)} is larger than any Kubernetes quantity`);
  }
  return nanos;
}

/** The decimal value ("1.5Gi" → 1610612736, "500m" → 0.5), as the nearest double. */
export function parseQuantity(value: string | number, where: string): number {
  return nanosToNumber(parseNanos(value, where));
}

/** Thousandths, rounded up, like `Quantity.MilliValue()`: "0.1" → 100, "1.0001" → 1001. */
export function parseMilliCpu(value: string | number, where: string): number {
  return nanosToMilli(parseNanos(value, where));
}

/** Whole units, rounded up, like `Quantity.Value()`: "1.5" → 2, "1Ki" → 1024. */
export function parseBytes(value: string | number, where: string): number {
  return nanosToWhole(parseNanos(value, where));
}

export function nanosToMilli(nanos: bigint): number {
  return Number(ceilDiv(nanos, NANOS_PER_MILLI));
}

export function nanosToWhole(nanos: bigint): number {
  return Number(ceilDiv(nanos, NANOS_PER_UNIT));
}

export function nanosToNumber(nanos: bigint): number {
  // Through decimal text so the result is the correctly rounded double, not a quotient of two.
  return Number(`${nanos}e-9`);
}

function suffixPowers(suffix: string, value: string | number, where: string): readonly [number, number] {
  const known = SUFFIXES[suffix];
  if (known) return known;
  // "e3", "E-2": a decimal exponent ("E" alone is exa, found above).
  if (/^[eE][+-]?\d+$/.test(suffix)) {
    const exponent = Number(suffix.slice(1));
    if (Math.abs(exponent) > MAX_EXPONENT) {
      throw new TierfitError("TF_ERR_QUANTITY", `${where}: ${show(value)} has an exponent out of range`);
    }
    return [exponent, 0];
  }
  throw notAQuantity(value, where);
}

function numberText(value: number): string | null {
  // JSON/YAML numbers: 2, 0.5, 1e+21. NaN and Infinity are not quantities.
  return Number.isFinite(value) ? String(value) : null;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** The value as a reason quotes it: clipped, as it may be anything a caller sent. */
function show(value: unknown): string {
  return clipText(typeof value === "string" ? JSON.stringify(value) : String(value), 100);
}

function notAQuantity(value: unknown, where: string): TierfitError {
  return new TierfitError(
    "TF_ERR_QUANTITY",
    `${where}: ${show(value)} is not a Kubernetes quantity (examples: 500m, 1.5, 20Gi)`,
  );
}
