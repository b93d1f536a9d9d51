/**
 * The Azure LLM inference traces (2023, code and conversation; Splitwise, ISCA '24): one row per
 * request with its arrival time and token counts. Parsed strictly into typed arrays, with time
 * as seconds since the first row, and binned into a per-bin request-rate series.
 */
import { TierfitError } from "../../src/errors.js";
import { FieldReader, readCsvRows } from "./csv-table.js";
import type { RateSeries } from "./rate-series.js";
import { readTraceText } from "./read-trace.js";

export interface AzureLlmTrace {
  /** The first row's TIMESTAMP text: the trace's time origin. */
  readonly startText: string;
  /** Arrival of each request, seconds since the first row; non-decreasing. */
  readonly arrivalSeconds: Float64Array;
  readonly contextTokens: Uint32Array;
  readonly generatedTokens: Uint32Array;
}

const COLUMNS = ["TIMESTAMP", "ContextTokens", "GeneratedTokens"] as const;
const MAX_TOKENS = 4_294_967_295;

/**
 * `2023-11-16 18:15:46.6805900`: the 2023 files have seven fractional digits and no zone; the
 * 2024 week-long files add `+00:00`. Both are read; a zone offset is applied, no zone is UTC.
 */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?$/;

export function parseAzureLlmTrace(text: string, file: string): AzureLlmTrace {
  const { header, rows } = readCsvRows(text, file, [COLUMNS]);
  const f = new FieldReader(file, header);
  const n = rows.length;
  const arrivalSeconds = new Float64Array(n);
  const contextTokens = new Uint32Array(n);
  const generatedTokens = new Uint32Array(n);
  let originWhole = 0;
  let originFraction = 0;
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    const stamp =
      parseTimestamp(f.raw(row, "TIMESTAMP")) ?? f.fail(row, "TIMESTAMP", "a time like 2023-11-16 18:15:46.6805900");
    if (i === 0) {
      originWhole = stamp.wholeSeconds;
      originFraction = stamp.fraction;
    }
    // Subtract whole seconds and fractions apart, so 100 ns digits survive float arithmetic.
    const t = stamp.wholeSeconds - originWhole + (stamp.fraction - originFraction);
    if (i > 0 && t < arrivalSeconds[i - 1]) {
      f.fail(row, "TIMESTAMP", `a time not before the previous row's (rows must be in time order)`);
    }
    arrivalSeconds[i] = t;
    contextTokens[i] = f.integer(row, "ContextTokens", 0, MAX_TOKENS);
    generatedTokens[i] = f.integer(row, "GeneratedTokens", 0, MAX_TOKENS);
  }
  return { startText: n > 0 ? rows[0].cells[0] : "", arrivalSeconds, contextTokens, generatedTokens };
}

export function loadAzureLlmTrace(path: string): AzureLlmTrace {
  return parseAzureLlmTrace(readTraceText(path), path);
}

/** Requests and tokens per second in consecutive bins of `binSeconds`, from t = 0. */
export function requestRate(trace: AzureLlmTrace, binSeconds: number): RateSeries {
  if (!(binSeconds > 0) || !Number.isFinite(binSeconds)) {
    throw new TierfitError("TF_ERR_INPUT", `bin width must be a positive number of seconds, got ${binSeconds}`);
  }
  const n = trace.arrivalSeconds.length;
  const span = n > 0 ? trace.arrivalSeconds[n - 1] : 0;
  const bins = n > 0 ? Math.floor(span / binSeconds) + 1 : 0;
  const requests = new Float64Array(bins);
  const context = new Float64Array(bins);
  const generated = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const b = Math.floor(trace.arrivalSeconds[i] / binSeconds);
    requests[b] += 1;
    context[b] += trace.contextTokens[i];
    generated[b] += trace.generatedTokens[i];
  }
  for (let b = 0; b < bins; b++) {
    requests[b] /= binSeconds;
    context[b] /= binSeconds;
    generated[b] /= binSeconds;
  }
  return {
    binSeconds,
    requestsPerSecond: requests,
    contextTokensPerSecond: context,
    generatedTokensPerSecond: generated,
    // The trace ends inside its last bin; that bin's rates are over the full width, so too low.
    lastBinSeconds: bins > 0 ? span - (bins - 1) * binSeconds : 0,
  };
}

interface Timestamp {
  /** Whole seconds since the Unix epoch, zone applied. */
  readonly wholeSeconds: number;
  /** Fractional second, 0 ≤ fraction < 1. */
  readonly fraction: number;
}

function parseTimestamp(text: string): Timestamp | null {
  const m = TIMESTAMP.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 2023-02-30 over into March; a real date survives the round trip unchanged.
  const check = new Date(ms);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    check.getUTCHours() !== hour ||
    check.getUTCMinutes() !== minute ||
    check.getUTCSeconds() !== second
  ) {
    return null;
  }
  const zone = m[8];
  let offsetSeconds = 0;
  if (zone !== undefined && zone !== "Z") {
    const sign = zone[0] === "-" ? -1 : 1;
    offsetSeconds = sign * (Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60);
  }
  const digits = m[7] ?? "";
  return { wholeSeconds: ms / 1000 - offsetSeconds, fraction: digits === "" ? 0 : Number(`0.${digits}`) };
}
