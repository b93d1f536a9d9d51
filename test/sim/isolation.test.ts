/**
 * Isolation is counted on every placement whatever the policy: tierfit never breaks it on the
 * mixed-tiers scenario, a baseline that knows nothing of tiers and tenants does.
 */
import { describe, expect, it } from "vitest";
import { isolationBreach } from "../../sim/cluster/isolation.js";
import { runOne } from "../../sim/run-one.js";
import { loadScenario } from "../../sim/scenario/load.js";
import type { Scenario } from "../../sim/scenario/types.js";
import { nodeState, podRequest, testConfig } from "../support/core-builders.js";

// shared-kernel, sandboxed, hypervisor (only hypervisor shares memory across tenants)
const tiers = testConfig().tiers;
const on = (devices: number[]) => ({
  podKey: "x/p",
  node: "n",
  tenant: "",
  sharingTier: 0,
  milliCpu: 0,
  memoryBytes: 0,
  devices: devices.map((index) => ({ index, units: 1000 })),
});

describe("isolationBreach", () => {
  const node = (tier: number, occupants: { tenant: string; sharingTier: number }[]) =>
    nodeState({
      name: "n",
      tier,
      gpus: [{ memoryMiB: 81920, occupants: occupants.map((o) => ({ ...o, milli: 100 })) }, { memoryMiB: 81920 }],
    });

  it("flags a node weaker than the pod's tier", () => {
    expect(isolationBreach(podRequest({ tier: 2, gpuCount: 1 }), node(1, []), on([1]), tiers)).toEqual({
      weakNode: true,
      foreignNeighbours: 0,
      passthroughNeighbours: 0,
    });
    expect(isolationBreach(podRequest({ tier: 1, gpuCount: 1 }), node(2, []), on([1]), tiers)).toBeNull();
  });

  it("flags another tenant on a device below the sharing tier, one per foreign pod", () => {
    const shared = node(2, [
      { tenant: "b", sharingTier: 0 },
      { tenant: "c", sharingTier: 2 },
    ]);
    expect(isolationBreach(podRequest({ tenant: "a", gpuCount: 1 }), shared, on([0]), tiers)).toEqual({
      weakNode: false,
      foreignNeighbours: 2,
      passthroughNeighbours: 0,
    });
    // At the hypervisor tier the pod may share with c (also hypervisor), not with b.
    expect(isolationBreach(podRequest({ tenant: "a", tier: 2, gpuCount: 1 }), shared, on([0]), tiers)).toEqual({
      weakNode: false,
      foreignNeighbours: 1,
      passthroughNeighbours: 0,
    });
    // Another device, or the same tenant: no breach. An occupant without a tenant is its namespace's.
    expect(isolationBreach(podRequest({ tenant: "a", gpuCount: 1 }), shared, on([1]), tiers)).toBeNull();
    const own = node(0, [{ tenant: "", sharingTier: 0 }]);
    expect(isolationBreach(podRequest({ namespace: "default", gpuCount: 1 }), own, on([0]), tiers)).toBeNull();
  });
});

describe("isolationBreach for passthrough and replicas", () => {
  it("counts any other pod, even of the pod's own tenant, on a GPU a passthrough pod takes", () => {
    const held = nodeState({ name: "n", gpus: [{ memoryMiB: 81920, occupants: [{ tenant: "a", milli: 100 }] }] });
    const pod = podRequest({ tenant: "a", gpuCount: 1 });
    expect(isolationBreach(pod, held, on([0]), tiers)).toBeNull();
    expect(isolationBreach({ ...pod, exclusive: true }, held, on([0]), tiers)).toEqual({
      weakNode: false,
      foreignNeighbours: 0,
      passthroughNeighbours: 1,
    });
  });

  it("on a node of device-plugin replicas, counts another tenant on any of its GPUs", () => {
    const base = nodeState({
      name: "n",
      gpus: [{ memoryMiB: 81920, occupants: [{ tenant: "b", milli: 250 }] }, { memoryMiB: 81920 }],
    });
    const replicated = { ...base, view: { ...base.view, gpus: base.view.gpus.map((g) => ({ ...g, replicas: 4 })) } };
    const pod = podRequest({ tenant: "a", gpuCount: 1 });
    expect(isolationBreach(pod, base, on([1]), tiers)).toBeNull();
    expect(isolationBreach(pod, replicated, on([1]), tiers)?.foreignNeighbours).toBe(1);
  });
});

describe("the mixed-tiers scenario", () => {
  const loaded = loadScenario("config/scenarios/mixed-tiers.yaml");
  if (loaded.kind !== "synthetic") throw new Error("mixed-tiers is a synthetic scenario");
  // One simulated day instead of three: the same mix, fewer pods.
  const scenario: Scenario = { ...loaded, synthetic: { ...loaded.synthetic, durationSeconds: 86_400 } };

  it("tierfit keeps every pod on a strong enough node and never shares a GPU across tenants below hypervisor", () => {
    const m = runOne({ scenario, policy: "tierfit", seed: 1 }).metrics;
    expect(m.placedPods).toBeGreaterThan(300);
    expect(m.isolationViolations).toBe(0);
  });

  it("kube-default, blind to tiers and tenants, breaks both rules", () => {
    const m = runOne({ scenario, policy: "kube-default", seed: 1 }).metrics;
    expect(m.tierViolations).toBeGreaterThan(0);
    expect(m.sharingViolations).toBeGreaterThan(0);
    expect(m.isolationViolations).toBeGreaterThanOrEqual(m.tierViolations);
    expect(m.isolationViolations).toBeLessThanOrEqual(m.placedPods);
  });
});
