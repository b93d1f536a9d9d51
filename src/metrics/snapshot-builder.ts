/**
 * Raw rows read from Redis → the immutable DemandSnapshot the scoring core receives. Pure apart
 * from the pending-placement bookkeeping it consults; staleness is judged against `now`.
 */
import type {
  DemandSnapshot,
  ModelDemand,
  ModelForecast,
  ModelNodeDemand,
  NodeTelemetry,
  ServingLoad,
} from "../scoring/demand-snapshot.js";
import type { PendingPlacements } from "./pending-placements.js";
import type { LoadSample, ModelSample, NodeRow, StoredForecast } from "./redis-schema.js";

/** Everything one refresh read; kept so a refresh that fails can still re-judge staleness. */
export interface RawDemand {
  readonly nodes: ReadonlyMap<string, NodeRow>;
  readonly models: ReadonlyMap<string, ModelSample>;
  readonly forecasts: ReadonlyMap<string, StoredForecast>;
}

export const EMPTY_RAW: RawDemand = { nodes: new Map(), models: new Map(), forecasts: new Map() };

/** `before`: this node's entry in the previous snapshot, returned as is when nothing changed. */
export function nodeTelemetry(
  row: NodeRow,
  pending: PendingPlacements,
  now: number,
  staleAfterMs: number,
  before?: NodeTelemetry,
): NodeTelemetry {
  const stale = now - row.ts > staleAfterMs;
  const load = pending.pendingFor(row.node, row.ts, now);
  if (before?.devices === row.devices && before.stale === stale && before.pending === null && load === null) {
    return before;
  }
  return { node: row.node, ts: row.ts, devices: row.devices, stale, pending: load };
}

function servingLoad(l: LoadSample, now: number, staleAfterMs: number): ServingLoad {
  return {
    running: l.running ?? null,
    waiting: l.waiting ?? null,
    kvCacheUsage: l.kvUtil ?? null,
    rps: l.rps ?? null,
    promptTokensPerSecond: l.promptTps ?? null,
    generationTokensPerSecond: l.genTps ?? null,
    queueMs: l.queueMs ?? null,
    servers: l.servers,
    ts: l.ts,
    stale: now - l.ts > staleAfterMs,
  };
}

function forecast(f: StoredForecast | undefined): ModelForecast | null {
  if (f === undefined) return null;
  return { ...f };
}

function sameStaleness(d: ModelDemand, now: number, staleAfterMs: number): boolean {
  if (d.stale !== now - d.ts > staleAfterMs) return false;
  for (const n of d.nodes.values()) if (n.stale !== now - n.ts > staleAfterMs) return false;
  return true;
}

/** `before`: this model's entry in the previous snapshot, returned as is when nothing changed. */
export function modelDemand(
  m: ModelSample,
  f: StoredForecast | undefined,
  now: number,
  staleAfterMs: number,
  before?: ModelDemand,
): ModelDemand {
  // One write replaces a model's whole entry, so an unchanged `ts` means unchanged data.
  if (
    before?.ts === m.ts &&
    (before.forecast?.ts ?? null) === (f?.ts ?? null) &&
    sameStaleness(before, now, staleAfterMs)
  ) {
    return before;
  }
  const nodes = new Map<string, ModelNodeDemand>();
  for (const [node, load] of m.nodes)
    nodes.set(node, { ...servingLoad(load, now, staleAfterMs), model: m.model, node });
  const d: ModelDemand = {
    ...servingLoad(m, now, staleAfterMs),
    model: m.model,
    ttftP95Ms: null,
    forecast: forecast(f),
    nodes,
  };
  return d;
}

/**
 * `previous`: the snapshot this one replaces; its entries are reused when nothing about them
 * changed (same sample, same staleness, no pending load), so a steady cluster allocates little.
 */
export function buildSnapshot(
  raw: RawDemand,
  pending: PendingPlacements,
  now: number,
  staleAfterMs: number,
  previous?: DemandSnapshot,
): DemandSnapshot {
  const nodes = new Map<string, NodeTelemetry>();
  for (const [name, row] of raw.nodes) {
    nodes.set(name, nodeTelemetry(row, pending, now, staleAfterMs, previous?.nodes.get(name)));
  }
  // Placements on nodes with no telemetry at all age out here too.
  for (const name of pending.nodes()) if (!raw.nodes.has(name)) pending.pendingFor(name, null, now);
  const models = new Map<string, ModelDemand>();
  for (const [name, m] of raw.models) {
    models.set(name, modelDemand(m, raw.forecasts.get(name), now, staleAfterMs, previous?.models.get(name)));
  }
  return Object.freeze({ takenAt: now, nodes, models });
}
