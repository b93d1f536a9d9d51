import { describe, expect, it } from "vitest";
import type { NodeState, PodRequest } from "../../src/cluster/types.js";
import { makeContext } from "../../src/scoring/context.js";
import { chooseDevices } from "../../src/scoring/device-choice.js";
import { decide } from "../../src/scoring/runner.js";
import { isolationTier } from "../../src/scoring/signals/isolation-tier.js";
import { gpu, nodeState, podRequest, testConfig } from "../support/core-builders.js";

const ctx = makeContext(testConfig());
const A100 = 81920;

function filter(pod: PodRequest, node: NodeState) {
  const pre = isolationTier.preScore(pod, ctx);
  const rejection = isolationTier.filter(pod, node, ctx, pre);
  expect(isolationTier.fits?.(pod, node, ctx, isolationTier.preScore(pod, ctx))).toBe(rejection === null);
  return rejection;
}

function score(pod: PodRequest, node: NodeState, c = ctx) {
  return isolationTier.score(pod, node, c, isolationTier.preScore(pod, c));
}

describe("isolationTier tiers", () => {
  it("rejects a node weaker than the pod needs, unresolvably, saying why each has its tier", () => {
    const pod = podRequest({ tier: 2, tierSource: "runtimeClassName kata" });
    const node = nodeState({ name: "n", tier: 0, tierSource: "label tierfit.io/isolation-tier=shared-kernel" });
    expect(filter(pod, node)).toEqual({
      signal: "isolationTier",
      reason:
        "needs tier hypervisor (runtimeClassName kata); node is shared-kernel (label tierfit.io/isolation-tier=shared-kernel)",
      unresolvable: true,
    });
  });

  it("scores each tier of excess isolation down, so strong nodes stay free", () => {
    const pod = podRequest({ tier: 0 });
    const scores = [0, 1, 2].map((tier) => score(pod, nodeState({ name: "n", tier })));
    expect(scores).toEqual([10, 5, 0]);
    expect(score(podRequest({ tier: 1 }), nodeState({ name: "n", tier: 2 }))).toBe(5);
    expect(score(podRequest({ tier: 2 }), nodeState({ name: "n", tier: 2 }))).toBe(10);
  });

  it("with a single tier every node scores 10", () => {
    const c = makeContext(testConfig({ tiers: [{ name: "only" }] }));
    expect(score(podRequest(), nodeState({ name: "n" }), c)).toBe(10);
  });
});

describe("isolationTier tenants", () => {
  const otherTenant = (tier: number) => [
    { podKey: "b/one", tenant: "b", sharingTier: tier, mib: 10240 },
    { podKey: "b/two", tenant: "b", sharingTier: tier, mib: 10240 },
  ];

  it("never shares a device across tenants below a sharing tier, counting the other tenant's pods", () => {
    const node = nodeState({ name: "n", gpus: [gpu(A100, { occupants: otherTenant(0) })] });
    const pod = podRequest({ gpuCount: 1, gpuMiB: 20480, tenant: "a" });
    expect(filter(pod, node)).toEqual({
      signal: "isolationTier",
      reason:
        "needs 1 GPU not shared with another tenant; 1 of 1 GPU with room holds 2 pods of another tenant, and tier shared-kernel does not share GPUs across tenants",
      unresolvable: false,
    });
    expect(chooseDevices(pod, node, ctx)).toMatchObject({ signal: "isolationTier" });
  });

  it("says so when the other tenant's pods run at a tier that does not share", () => {
    const node = nodeState({ name: "n", tier: 2, gpus: [gpu(A100, { occupants: otherTenant(0) })] });
    const pod = podRequest({ gpuCount: 1, gpuMiB: 20480, tenant: "a", tier: 2 });
    expect(filter(pod, node)?.reason).toBe(
      "needs 1 GPU not shared with another tenant; 1 of 1 GPU with room holds 2 pods of another tenant, and their pods run at a tier that does not share GPUs across tenants",
    );
  });

  it("shares when both run at a sharing tier, and within one tenant at any tier", () => {
    const hypervisor = nodeState({ name: "n", tier: 2, gpus: [gpu(A100, { occupants: otherTenant(2) })] });
    expect(filter(podRequest({ gpuCount: 1, gpuMiB: 20480, tenant: "a", tier: 2 }), hypervisor)).toBeNull();
    const own = nodeState({ name: "n", gpus: [gpu(A100, { occupants: otherTenant(0) })] });
    expect(filter(podRequest({ gpuCount: 1, gpuMiB: 20480, tenant: "b" }), own)).toBeNull();
  });

  it("shares only by the tier a pod runs at: an annotation raising its tier opens no other tenant's GPU", () => {
    const hypervisor = nodeState({ name: "n", tier: 2, gpus: [gpu(A100, { occupants: otherTenant(2) })] });
    // Needs hypervisor by annotation, runs without a RuntimeClass, or with one of a weaker tier or none.
    const annotated = (runtimeClassName?: string, sharingTier = 0) =>
      podRequest({
        gpuCount: 1,
        gpuMiB: 20480,
        tenant: "a",
        tier: 2,
        tierSource: "annotation tierfit.io/isolation-tier=hypervisor",
        sharingTier,
        runtimeClassName,
      });
    const reason = (runtime: string) =>
      `needs 1 GPU not shared with another tenant; 1 of 1 GPU with room holds 2 pods of another tenant, and pod's tier hypervisor comes from annotation tierfit.io/isolation-tier, not its runtimeClass (${runtime}), so it shares no GPU across tenants`;
    expect(filter(annotated(), hypervisor)?.reason).toBe(reason("none"));
    expect(filter(annotated("runc"), hypervisor)?.reason).toBe(reason("runc, tier shared-kernel"));
    expect(filter(annotated("gvisor", 1), hypervisor)?.reason).toBe(reason("gvisor, tier sandboxed"));
    expect(filter(annotated("nvidia"), hypervisor)?.reason).toBe(reason("nvidia, tier shared-kernel"));
    expect(chooseDevices(annotated(), hypervisor, ctx)).toMatchObject({ signal: "isolationTier" });
    // Running in the hypervisor RuntimeClass, the same pod shares.
    expect(filter(annotated("kata", 2), hypervisor)).toBeNull();
    expect(chooseDevices(annotated("kata", 2), hypervisor, ctx)).toEqual([{ index: 0, units: 20480 * 1000 }]);
  });

  it("an occupant that only annotated itself hypervisor (recorded at the tier it runs at) shares with no one", () => {
    const node = nodeState({ name: "n", tier: 2, gpus: [gpu(A100, { occupants: otherTenant(0) })] });
    expect(filter(podRequest({ gpuCount: 1, gpuMiB: 20480, tenant: "a", tier: 2 }), node)?.reason).toContain(
      "their pods run at a tier that does not share GPUs across tenants",
    );
  });

  it("a pod without a tenant label belongs to its namespace", () => {
    const node = nodeState({
      name: "n",
      gpus: [gpu(A100, { occupants: [{ podKey: "team-x/old", tenant: "", mib: 10240 }] })],
    });
    expect(filter(podRequest({ gpuCount: 1, gpuMiB: 20480, namespace: "team-x" }), node)).toBeNull();
    expect(filter(podRequest({ gpuCount: 1, gpuMiB: 20480, namespace: "team" }), node)).not.toBeNull();
    expect(filter(podRequest({ gpuCount: 1, gpuMiB: 20480, tenant: "team-x", namespace: "other" }), node)).toBeNull();
  });

  it("device choice skips another tenant's device even where binpack would prefer it", () => {
    const node = nodeState({ name: "n", gpus: [gpu(A100, { occupants: otherTenant(0) }), gpu(A100)] });
    const pod = podRequest({ gpuCount: 1, gpuMiB: 20480, tenant: "a" });
    expect(filter(pod, node)).toBeNull();
    expect(chooseDevices(pod, node, ctx)).toEqual([{ index: 1, units: 20480 * 1000 }]);
    expect(chooseDevices(podRequest({ gpuCount: 1, gpuMiB: 20480, tenant: "b" }), node, ctx)).toEqual([
      { index: 0, units: 20480 * 1000 },
    ]);
  });

  it("a failing tier is reported before anything about GPUs", () => {
    const pod = podRequest({ gpuCount: 9, tier: 1 });
    const d = decide(pod, [nodeState({ name: "n", tier: 0 })], ctx);
    expect(d.nodes[0].rejection?.signal).toBe("isolationTier");
    expect(d.nodes[0].rejection?.unresolvable).toBe(true);
  });
});
