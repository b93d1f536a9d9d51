/**
 * One scrape round → what the bridge writes: per-node GPU telemetry and per-model load, in all
 * and per node. Loads are normalised across server kinds (vLLM and Triton fill the same fields);
 * an aggregate knows a field only if every server behind it reported it, so a partial sum is
 * never passed off as the whole.
 */
import type { DeviceSample, LoadSample, ModelSample, NodeSample } from "../redis-schema.js";
import type { DeviceReading, ServerReading } from "./readings.js";

/** A server's load this round, counters already turned into rates. */
export interface ServerLoad {
  readonly model: string;
  readonly node: string | null;
  readonly running: number | null;
  readonly waiting: number | null;
  readonly kvUtil: number | null;
  readonly rps: number | null;
  readonly promptTps: number | null;
  readonly genTps: number | null;
  /** Queue time accumulated per second, µs/s: divided by rps it gives the mean wait. */
  readonly queueMicrosPerSecond: number | null;
}

/** Sum of a series group's rates: null if any is unknown or the group is empty. */
function sumRates(ids: readonly string[], rates: ReadonlyMap<string, number | null>): number | null {
  if (ids.length === 0) return null;
  let sum = 0;
  for (const id of ids) {
    const r = rates.get(id);
    if (r === null || r === undefined) return null;
    sum += r;
  }
  return sum;
}

export function serverLoad(s: ServerReading, rates: ReadonlyMap<string, number | null>): ServerLoad {
  return {
    model: s.model,
    node: s.node,
    running: s.running,
    waiting: s.waiting,
    kvUtil: s.kvUtil,
    rps: sumRates(s.counters.requests, rates),
    promptTps: sumRates(s.counters.promptTokens, rates),
    genTps: sumRates(s.counters.generationTokens, rates),
    queueMicrosPerSecond: sumRates(s.counters.queueMicros, rates),
  };
}

function allKnown(values: readonly (number | null)[]): number[] | null {
  const out: number[] = [];
  for (const v of values) {
    if (v === null) return null;
    out.push(v);
  }
  return out;
}

function total(loads: readonly ServerLoad[], pick: (l: ServerLoad) => number | null): number | undefined {
  const vs = allKnown(loads.map(pick));
  return vs === null ? undefined : vs.reduce((a, b) => a + b, 0);
}

export function combineLoads(loads: readonly ServerLoad[], ts: number): LoadSample {
  const kv = allKnown(loads.map((l) => l.kvUtil));
  const rps = total(loads, (l) => l.rps);
  const queue = total(loads, (l) => l.queueMicrosPerSecond);
  return {
    ts,
    servers: loads.length,
    running: total(loads, (l) => l.running),
    waiting: total(loads, (l) => l.waiting),
    kvUtil: kv === null || kv.length === 0 ? undefined : kv.reduce((a, b) => a + b, 0) / kv.length,
    rps,
    promptTps: total(loads, (l) => l.promptTps),
    genTps: total(loads, (l) => l.genTps),
    queueMs: queue !== undefined && rps !== undefined && rps > 0 ? queue / rps / 1000 : undefined,
  };
}

export function modelSamples(loads: readonly ServerLoad[], ts: number): ModelSample[] {
  const byModel = new Map<string, ServerLoad[]>();
  for (const l of loads) {
    const list = byModel.get(l.model);
    if (list) list.push(l);
    else byModel.set(l.model, [l]);
  }
  return [...byModel].map(([model, list]) => {
    const byNode = new Map<string, ServerLoad[]>();
    for (const l of list) {
      if (l.node === null) continue;
      const nl = byNode.get(l.node);
      if (nl) nl.push(l);
      else byNode.set(l.node, [l]);
    }
    const nodes = new Map<string, LoadSample>();
    for (const [node, nl] of byNode) nodes.set(node, combineLoads(nl, ts));
    return { ...combineLoads(list, ts), model, nodes };
  });
}

/** Where a device sits, learnt from exporters that give both UUID and index (DCGM). */
export type UuidIndex = Map<string, { node: string; index: number }>;

export interface DeviceMerge {
  readonly nodes: NodeSample[];
  /** Readings that could not be placed, with why: for a warning. */
  readonly skipped: { reading: DeviceReading; reason: string }[];
}

function toSample(r: DeviceReading, index: number): DeviceSample | null {
  if (r.fbUsedMiB === null || r.fbTotalMiB === null) return null;
  return {
    index,
    uuid: r.uuid,
    product: r.product,
    fbUsedMiB: r.fbUsedMiB,
    fbFreeMiB: r.fbFreeMiB,
    fbReservedMiB: r.fbReservedMiB,
    fbTotalMiB: r.fbTotalMiB,
    util: r.util,
    pods: r.pods,
  };
}

/**
 * Device readings → one sample per node. DCGM readings come first and win; a Triton reading
 * (UUID only) fills a device DCGM did not report if its index is known from an earlier round.
 */
export function mergeDevices(readings: readonly DeviceReading[], ts: number, uuidIndex: UuidIndex): DeviceMerge {
  const perNode = new Map<string, Map<number, DeviceSample>>();
  const skipped: DeviceMerge["skipped"] = [];
  const ordered = [...readings].sort((a, b) => Number(a.source === "triton") - Number(b.source === "triton"));
  for (const r of ordered) {
    if (r.node === null) {
      skipped.push({ reading: r, reason: "no node: map the target with --node URL=NODE" });
      continue;
    }
    let index = r.index;
    if (index === null && r.uuid !== null) {
      const known = uuidIndex.get(r.uuid);
      if (known?.node === r.node) index = known.index;
    }
    if (index === null) {
      skipped.push({ reading: r, reason: "device index unknown (scrape the node's DCGM exporter too)" });
      continue;
    }
    if (r.uuid !== null && r.index !== null) uuidIndex.set(r.uuid, { node: r.node, index: r.index });
    let devices = perNode.get(r.node);
    if (devices === undefined) {
      devices = new Map();
      perNode.set(r.node, devices);
    }
    if (devices.has(index)) continue;
    const sample = toSample(r, index);
    if (sample === null) {
      skipped.push({ reading: r, reason: "memory used or total not reported" });
      continue;
    }
    devices.set(index, sample);
  }
  const nodes = [...perNode].map(([node, devices]) => ({
    node,
    ts,
    devices: [...devices.values()].sort((a, b) => a.index - b.index),
  }));
  return { nodes, skipped };
}
