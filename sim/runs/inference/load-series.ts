/**
 * One inference service's load over the run: the Azure trace's per-bin request pattern, started
 * at a seeded phase (so seeds differ), repeated over the whole span and shaped by the service's
 * daily cycle (tileOntoDiurnal), scaled to its mean rate. Tokens per request follow the trace.
 */
import { TierfitError } from "../../../src/errors.js";
import { Random } from "../../random.js";
import type { ServiceSection } from "../../scenario/schema.js";
import { loadAzureLlmTrace, requestRate } from "../../workloads/azure-llm.js";
import type { RateSeries } from "../../workloads/rate-series.js";
import { tileOntoDiurnal } from "../../workloads/rate-series.js";

/** Load in one bin. */
export interface LoadPoint {
  readonly rps: number;
  /** Mean tokens per request. */
  readonly contextTokens: number;
  readonly generatedTokens: number;
}

export interface ServiceLoad {
  readonly binSeconds: number;
  readonly rps: Float64Array;
  readonly contextTokens: Float64Array;
  readonly generatedTokens: Float64Array;
}

export function serviceLoad(
  svc: Pick<ServiceSection, "name" | "diurnal" | "meanRequestsPerSecond">,
  source: RateSeries,
  totalSeconds: number,
  seed: number,
): ServiceLoad {
  const phase = Random.stream(seed, `inference/${svc.name}/phase`);
  const rotated = rotate(source, phase.int(fullBins(source)));
  const tiled = tileOntoDiurnal(rotated, {
    durationSeconds: totalSeconds,
    amplitude: svc.diurnal.amplitude,
    peakSecondOfDay: svc.diurnal.peakHour * 3600,
    meanRequestsPerSecond: svc.meanRequestsPerSecond,
  });
  const n = tiled.requestsPerSecond.length;
  const fallback = meanTokens(source);
  const contextTokens = new Float64Array(n);
  const generatedTokens = new Float64Array(n);
  for (let b = 0; b < n; b++) {
    const rps = tiled.requestsPerSecond[b];
    contextTokens[b] = rps > 0 ? tiled.contextTokensPerSecond[b] / rps : fallback.context;
    generatedTokens[b] = rps > 0 ? tiled.generatedTokensPerSecond[b] / rps : fallback.generated;
  }
  return { binSeconds: tiled.binSeconds, rps: tiled.requestsPerSecond, contextTokens, generatedTokens };
}

export function loadAt(load: ServiceLoad, bin: number): LoadPoint {
  const b = Math.min(bin, load.rps.length - 1);
  return { rps: load.rps[b], contextTokens: load.contextTokens[b], generatedTokens: load.generatedTokens[b] };
}

/**
 * The worst load over bins [from, to]: the largest rate and, separately, the largest token sizes
 * (a burst of long requests costs as much as a burst of requests).
 */
export function peakOver(load: ServiceLoad, from: number, to: number): LoadPoint {
  const last = Math.min(to, load.rps.length - 1);
  let peak = loadAt(load, last);
  for (let b = Math.max(0, from); b < last; b++) {
    peak = {
      rps: Math.max(peak.rps, load.rps[b]),
      contextTokens: Math.max(peak.contextTokens, load.contextTokens[b]),
      generatedTokens: Math.max(peak.generatedTokens, load.generatedTokens[b]),
    };
  }
  return peak;
}

/** Bins the source covers completely (a short last bin reads low and is not repeated). */
function fullBins(source: RateSeries): number {
  const n = source.requestsPerSecond.length;
  return source.lastBinSeconds < source.binSeconds ? n - 1 : n;
}

/** The complete bins, starting at `offset` and wrapping around. */
function rotate(source: RateSeries, offset: number): RateSeries {
  const n = fullBins(source);
  const pick = (xs: Float64Array) => Float64Array.from({ length: n }, (_, i) => xs[(i + offset) % n]);
  return {
    binSeconds: source.binSeconds,
    requestsPerSecond: pick(source.requestsPerSecond),
    contextTokensPerSecond: pick(source.contextTokensPerSecond),
    generatedTokensPerSecond: pick(source.generatedTokensPerSecond),
    lastBinSeconds: source.binSeconds,
  };
}

function meanTokens(source: RateSeries): { context: number; generated: number } {
  let requests = 0;
  let context = 0;
  let generated = 0;
  for (let b = 0; b < source.requestsPerSecond.length; b++) {
    requests += source.requestsPerSecond[b];
    context += source.contextTokensPerSecond[b];
    generated += source.generatedTokensPerSecond[b];
  }
  return requests > 0 ? { context: context / requests, generated: generated / requests } : { context: 0, generated: 0 };
}

/**
 * The request-rate series of each trace file, read and binned once per path (services share
 * traces); a trace must span at least two bins to be repeated.
 */
export class TraceRates {
  readonly #series = new Map<string, RateSeries>();

  constructor(private readonly binSeconds: number) {}

  of(path: string): RateSeries {
    let series = this.#series.get(path);
    if (series === undefined) {
      series = requestRate(loadAzureLlmTrace(path), this.binSeconds);
      if (series.requestsPerSecond.length < 2) {
        throw new TierfitError(
          "TF_ERR_INPUT",
          `${path}: the trace spans less than two ${this.binSeconds} s bins; nothing to repeat`,
        );
      }
      this.#series.set(path, series);
    }
    return series;
  }
}
