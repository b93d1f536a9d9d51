/**
 * The extender's Prometheus metrics, in a registry of its own per app instance (so tests and
 * several apps in one process never share counters). Ages are computed when scraped.
 */

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { AllocationLedger } from "../cluster/ledger.js";
import type { TierfitConfig } from "../config/schema.js";
import type { DemandSnapshot } from "../scoring/demand-snapshot.js";
import { TIERFIT_VERSION } from "../version.js";
import type { DemandStatus } from "./ports.js";

export type Verb = "filter" | "prioritize" | "bind" | "preempt";

export interface AgeSources {
  /** Milliseconds since the cluster cache last heard from the API server; null when there is no cache (--standalone). */
  readonly cacheAgeMs: (() => number) | null;
  /** Milliseconds since the demand snapshot was taken; Infinity when none was ever taken. */
  readonly demandAgeMs: () => number;
}

export class ExtenderMetrics {
  readonly registry = new Registry();
  readonly requestSeconds: Histogram<"verb" | "outcome">;
  readonly nodesRejected: Counter<"signal">;
  readonly podsPlaced: Counter<"tier">;
  readonly configReloads: Counter<"result">;
  readonly bindFailures: Counter<"reason">;

  /**
   * `processMetrics`: also export prom-client's process and Node.js figures (CPU, resident memory,
   * heap, event-loop lag, GC). `serve` turns them on; they sample in the background, so the many
   * apps a test run builds leave them off.
   */
  constructor(opts: { readonly processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: "tierfit_build_info",
      help: "Always 1; the labels say which tierfit and Node.js are running.",
      labelNames: ["version", "nodejs"],
      registers,
    }).set({ version: TIERFIT_VERSION, nodejs: process.version }, 1);
    this.bindFailures = new Counter({
      name: "tierfit_extender_bind_failures_total",
      help: "Binds that failed, by reason: the API call's failure (conflict, not-found, forbidden, timeout, server-error, refused, unreachable), a refusal before any write (cache-incomplete, pod-recreated, other-scheduler, already-bound, pod-deleting, invalid-pod, unsettled, node-unknown, does-not-fit, standalone), malformed (the request did not decode) or error (a bug).",
      labelNames: ["reason"],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: "tierfit_extender_request_duration_seconds",
      help: "Time to answer one kube-scheduler extender call, by verb and outcome (ok, error, malformed).",
      labelNames: ["verb", "outcome"],
      // Sub-millisecond to the scheduler's default 5 s extender timeout.
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.nodesRejected = new Counter({
      name: "tierfit_extender_nodes_rejected_total",
      help: "Nodes filtered out, by the signal that rejected them (cache = node not in tierfit's cache).",
      labelNames: ["signal"],
      registers,
    });
    this.podsPlaced = new Counter({
      name: "tierfit_extender_pods_placed_total",
      help: "Pods bound by the extender, by the isolation tier they asked for.",
      labelNames: ["tier"],
      registers,
    });
    this.configReloads = new Counter({
      name: "tierfit_config_reloads_total",
      help: "Config file reloads, by result (success, failure; a failed reload keeps the previous config).",
      labelNames: ["result"],
      registers,
    });
  }

  /** Ages are read from their sources at scrape time, never pushed from the request path. */
  watchAges(sources: AgeSources): void {
    const cacheAgeMs = sources.cacheAgeMs;
    if (cacheAgeMs !== null) {
      new Gauge({
        name: "tierfit_cluster_cache_age_seconds",
        help: "Seconds since the cluster cache last heard from the API server.",
        registers: [this.registry],
        collect() {
          this.set(cacheAgeMs() / 1000);
        },
      });
    }
    new Gauge({
      name: "tierfit_demand_snapshot_age_seconds",
      help: "Seconds since live demand was last read from Redis successfully (+Inf when never).",
      registers: [this.registry],
      collect() {
        this.set(sources.demandAgeMs() / 1000);
      },
    });
  }

  /**
   * GPUs per isolation tier, read from the ledger and the live-demand snapshot when scraped:
   * how many there are, how many are allocated (a shared device counts by the share of its
   * memory allocated), and how many are busy (the sum of utilisation over devices whose
   * telemetry is fresh; a tier none of whose nodes report utilisation has no `used` series).
   */
  watchGpus(ledger: AllocationLedger, config: () => TierfitConfig, demand: () => DemandSnapshot): void {
    const gpus = (name: string, help: string, of: (tiers: Map<string, GpuFigures>) => Map<string, number>) =>
      new Gauge({
        name,
        help,
        labelNames: ["tier"],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const [tier, value] of of(gpusByTier(ledger, config(), demand()))) this.set({ tier }, value);
        },
      });
    gpus("tierfit_gpus", "GPUs in tierfit's cluster cache, by isolation tier.", (t) => figure(t, "total"));
    gpus(
      "tierfit_gpus_allocated",
      "GPUs allocated in tierfit's ledger, by isolation tier (a shared device counts by its allocated share of memory).",
      (t) => figure(t, "allocated"),
    );
    gpus(
      "tierfit_gpus_used",
      "GPUs busy by live telemetry (sum of utilisation 0..1 over devices with fresh telemetry), by isolation tier.",
      (t) => figure(t, "used"),
    );
  }

  /** Redis connectivity and how many live-demand entries are stale (their signal is neutral). */
  watchDemand(status: () => DemandStatus): void {
    new Gauge({
      name: "tierfit_demand_redis_connected",
      help: "1 while Redis answers the live-demand reader's commands (connected, last refresh succeeded), else 0.",
      registers: [this.registry],
      collect() {
        this.set(status().connected ? 1 : 0);
      },
    });
    new Gauge({
      name: "tierfit_demand_stale_entries",
      help: "Live-demand entries older than demand.staleAfterSeconds (scored per demand.onStale), by kind.",
      labelNames: ["kind"],
      registers: [this.registry],
      collect() {
        const s = status();
        this.set({ kind: "node" }, s.staleNodes);
        this.set({ kind: "model" }, s.staleModels);
      },
    });
  }

  /** One failed bind; `reason` is a short fixed word (a metric label), never a message. */
  recordBindFailure(reason: string): void {
    this.bindFailures.inc({ reason });
  }

  recordConfigReload(ok: boolean): void {
    this.configReloads.inc({ result: ok ? "success" : "failure" });
  }
}

interface GpuFigures {
  total: number;
  allocated: number;
  /** null while no device of the tier reports utilisation. */
  used: number | null;
}

function gpusByTier(ledger: AllocationLedger, config: TierfitConfig, demand: DemandSnapshot): Map<string, GpuFigures> {
  const out = new Map<string, GpuFigures>(config.tiers.map((t) => [t.name, { total: 0, allocated: 0, used: null }]));
  for (const state of ledger.nodes()) {
    const tier = config.tiers[state.view.tier]?.name ?? String(state.view.tier);
    const f = out.get(tier) ?? { total: 0, allocated: 0, used: null };
    out.set(tier, f);
    for (const d of state.devices) {
      f.total++;
      if (d.capacityUnits > 0) f.allocated += (d.capacityUnits - d.freeUnits) / d.capacityUnits;
    }
    const telemetry = demand.nodes.get(state.view.name);
    if (telemetry === undefined || telemetry.stale) continue;
    for (const d of telemetry.devices) if (d.util !== null) f.used = (f.used ?? 0) + d.util;
  }
  return out;
}

function figure(tiers: Map<string, GpuFigures>, key: keyof GpuFigures): Map<string, number> {
  const out = new Map<string, number>();
  for (const [tier, f] of tiers) {
    const value = f[key];
    if (value !== null) out.set(tier, value);
  }
  return out;
}
