/**
 * Live demand as the extender would see it, built from the simulated cluster: the simulator's
 * side of the demand port (DESIGN §1, principle 5). Each scaling tick is a DCGM-style sample of
 * every GPU device (utilisation = the compute its replicas are asked for, at most 1; memory =
 * what they reserve) plus each model's forecast; placements made after a sample are added as
 * pending load on their node (src/metrics/pending-placements.ts, the herd-effect guard), exactly
 * what the extender's snapshot builder does with Redis data.
 */
import type { NodeState } from "../../../src/cluster/types.js";
import { PendingPlacements } from "../../../src/metrics/pending-placements.js";
import type {
  DemandSnapshot,
  DeviceTelemetry,
  ModelDemand,
  ModelForecast,
  NodeTelemetry,
} from "../../../src/scoring/demand-snapshot.js";

export const deviceKey = (node: string, index: number): string => `${node}#${index}`;

export class SimDemand {
  readonly #pending: PendingPlacements;
  #sampledAt = 0;
  #devices = new Map<string, readonly DeviceTelemetry[]>();
  readonly #models = new Map<string, ModelDemand>();

  /** `pendingMaxAgeMs`: how long a placement counts as pending if no later sample shows it. */
  constructor(pendingMaxAgeMs: number) {
    this.#pending = new PendingPlacements(pendingMaxAgeMs);
  }

  /** A telemetry sample of every GPU node at `nowMs`; `deviceDemand` by deviceKey (1 = a whole GPU). */
  sample(nowMs: number, nodes: readonly NodeState[], deviceDemand: ReadonlyMap<string, number>): void {
    this.#sampledAt = nowMs;
    const devices = new Map<string, readonly DeviceTelemetry[]>();
    for (const node of nodes) {
      if (node.devices.length === 0) continue;
      devices.set(
        node.view.name,
        node.devices.map((d) => ({
          index: d.index,
          uuid: null,
          fbUsedMiB: (d.capacityUnits - d.freeUnits) / 1000,
          fbTotalMiB: d.capacityUnits / 1000,
          util: Math.min(1, deviceDemand.get(deviceKey(node.view.name, d.index)) ?? 0),
        })),
      );
    }
    this.#devices = devices;
  }

  /** The model's current rate and, when one was made, its forecast. */
  setModel(model: string, rps: number, replicas: number, forecast: ModelForecast | null, nowMs: number): void {
    this.#models.set(model, {
      model,
      running: null,
      waiting: null,
      kvCacheUsage: null,
      rps,
      promptTokensPerSecond: null,
      generationTokensPerSecond: null,
      queueMs: null,
      servers: replicas,
      ts: nowMs,
      stale: false,
      ttftP95Ms: null,
      forecast,
      nodes: new Map(),
    });
  }

  /** A placement the next sample has not seen yet. */
  notePlacement(node: string, model: string | null, fbMiB: number, util: number, nowMs: number): void {
    this.#pending.note(node, model, { fbMiB, util }, nowMs);
  }

  /** Expected compute of one more replica of `model`: its forecast per replica, as the live-demand signal reads it. */
  expectedUtil(model: string): number {
    const f = this.#models.get(model)?.forecast;
    if (!f || f.gpuCompute === null) return 0;
    return Math.min(1, f.gpuCompute / Math.max(1, f.replicas ?? 1));
  }

  snapshot(nowMs: number): DemandSnapshot {
    const nodes = new Map<string, NodeTelemetry>();
    for (const [node, devices] of this.#devices) {
      nodes.set(node, {
        node,
        devices,
        ts: this.#sampledAt,
        stale: false,
        pending: this.#pending.pendingFor(node, this.#sampledAt, nowMs),
      });
    }
    return { takenAt: nowMs, nodes, models: new Map(this.#models) };
  }
}
