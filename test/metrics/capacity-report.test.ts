/** The capacity report's arithmetic, on hand-built ledger states and telemetry. */
import { describe, expect, it } from "vitest";
import type { DeviceState, NodeState } from "../../src/cluster/types.js";
import { buildCapacityReport, formatDuration, modelUsage } from "../../src/metrics/capacity-report.js";
import { PendingPlacements } from "../../src/metrics/pending-placements.js";
import type { NodeRow } from "../../src/metrics/redis-schema.js";
import { buildSnapshot } from "../../src/metrics/snapshot-builder.js";
import { UsageTracker } from "../../src/metrics/usage-tracker.js";

const GIB = 1024;
const TIERS = ["shared-kernel", "sandboxed", "hypervisor"];
const NOW = 1_760_000_000_000;

/** A node with 40 GiB devices; `pods[i]` = pod keys holding device i whole (or halves when two). */
function node(name: string, tier: number, pods: string[][]): NodeState {
  const capacityUnits = 40 * GIB * 1000;
  const devices: DeviceState[] = pods.map((holders, index) => {
    const units = holders.length === 0 ? 0 : capacityUnits / holders.length;
    return {
      index,
      product: "NVIDIA-A100-SXM4-40GB",
      capacityUnits,
      freeUnits: capacityUnits - units * holders.length,
      occupants: holders.map((podKey) => ({ podKey, tenant: "t", sharingTier: tier, units })),
    };
  });
  return {
    view: {
      name,
      labels: {},
      allocatable: { milliCpu: 64_000, memoryBytes: 512 * 2 ** 30, pods: 110 },
      gpus: devices.map((d) => ({ index: d.index, product: d.product, memoryMiB: 40 * GIB })),
      tier,
      tierSource: "test",
      unschedulable: false,
    },
    devices,
    requested: { milliCpu: 0, memoryBytes: 0, pods: 0 },
    version: 1,
  };
}

function row(name: string, ts: number, devices: [usedGiB: number, util: number][]): NodeRow {
  return {
    node: name,
    ts,
    devices: devices.map(([used, util], index) => ({
      index,
      uuid: null,
      fbUsedMiB: used * GIB,
      fbTotalMiB: 40 * GIB,
      util,
    })),
  };
}

const MODEL_OF: Record<string, string> = {
  "default/x-1": "X",
  "default/x-2": "X",
  "default/x-3": "X",
  "default/x-4": "X",
  "default/y-1": "Y",
};
const modelOf = (pod: string) => MODEL_OF[pod] ?? null;

function scenario() {
  const nodes = [
    node("node-a", 0, [["default/x-1"], ["default/x-2"]]),
    node("node-b", 2, [["default/x-3"], ["default/x-4"], []]),
    node("node-c", 0, [["default/y-1", "default/z-1"]]),
  ];
  const raw = {
    nodes: new Map([
      [
        "node-a",
        row("node-a", NOW - 10_000, [
          [15, 0.3],
          [15, 0.02],
        ]),
      ],
      [
        "node-b",
        row("node-b", NOW - 10_000, [
          [15.5, 0.4],
          [15.5, 0.5],
          [0, 0],
        ]),
      ],
      // node-c's exporter went quiet two minutes ago: stale, so not measured.
      ["node-c", row("node-c", NOW - 120_000, [[30, 0.9]])],
    ]),
    models: new Map(),
    forecasts: new Map(),
  };
  const demand = buildSnapshot(raw, new PendingPlacements(300_000), NOW, 60_000);
  return { nodes, demand };
}

describe("capacity report", () => {
  it("compares allocated with used per tier and per node, and finds idle devices", () => {
    const { nodes, demand } = scenario();
    const report = buildCapacityReport({
      nodes,
      demand,
      tierNames: TIERS,
      modelOf,
      peakOf: () => null,
      config: { windowSeconds: 3600, idleUtilisation: 0.05, headroom: 0.2 },
      now: NOW,
    });
    expect(report.tiers.map((t) => t.tier)).toEqual(["shared-kernel", "hypervisor"]);
    expect(report.tiers[0]).toEqual({
      tier: "shared-kernel",
      devices: 3,
      allocatedDevices: 3,
      allocatedGpus: 3,
      allocatedMiB: 120 * GIB,
      measuredDevices: 2,
      usedMiB: 30 * GIB,
      usedGpus: 0.32,
    });
    expect(report.tiers[1]).toMatchObject({ devices: 3, allocatedDevices: 2, allocatedGpus: 2, usedMiB: 31 * GIB });
    expect(report.tiers[1].usedGpus).toBeCloseTo(0.9, 10);
    expect(report.nodes.map((n) => [n.node, n.telemetry])).toEqual([
      ["node-a", "fresh"],
      ["node-b", "fresh"],
      ["node-c", "stale"],
    ]);
    expect(report.idleDevices.map((d) => d.message)).toEqual([
      "node-a GPU 1: 40 GiB allocated to default/x-2 but 2% busy, 15 GiB used",
    ]);
  });

  it("suggests fewer replicas when peak use plus headroom fits in fewer", () => {
    const { nodes, demand } = scenario();
    const usage = new UsageTracker(3600_000);
    for (let t = NOW - 3600_000; t <= NOW; t += 300_000) {
      usage.observe(t, new Map([["X", t === NOW - 1800_000 ? 61 * GIB : 40 * GIB]]));
    }
    const report = buildCapacityReport({
      nodes,
      demand,
      tierNames: TIERS,
      modelOf,
      peakOf: (m) => usage.peak(m, NOW),
      config: { windowSeconds: 3600, idleUtilisation: 0.05, headroom: 0.2 },
      now: NOW,
    });
    // 61 GiB × 1.2 = 73.2 GiB needs two 40 GiB replicas.
    expect(report.rightSizing).toEqual([
      {
        model: "X",
        replicas: 4,
        heldMiB: 160 * GIB,
        peakUsedMiB: 61 * GIB,
        observedSeconds: 3600,
        suggestedReplicas: 2,
        forecastReplicas: null,
        message: "model X: 4 replicas hold 160 GiB, peak use 61 GiB over 1 h → 2 replicas",
      },
    ]);
  });

  it("splits a shared device's use by what each pod holds, and flags unmeasured models", () => {
    const { nodes, demand } = scenario();
    const usage = modelUsage(nodes, demand, modelOf);
    expect(usage.get("X")).toEqual({
      pods: new Set(["default/x-1", "default/x-2", "default/x-3", "default/x-4"]),
      heldMiB: 160 * GIB,
      usedMiB: 61 * GIB,
      measured: true,
    });
    // Y shares node-c's device, whose telemetry is stale: its use is not known.
    expect(usage.get("Y")).toMatchObject({ heldMiB: 20 * GIB, usedMiB: 0, measured: false });
  });

  it("reads durations the way people say them", () => {
    expect([formatDuration(3600), formatDuration(5400), formatDuration(2520), formatDuration(30)]).toEqual([
      "1 h",
      "1.5 h",
      "42 min",
      "30 s",
    ]);
  });
});
