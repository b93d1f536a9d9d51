/** Readiness and staleness of the cluster cache, from its informers' state, on a test clock. */
import { describe, expect, it } from "vitest";
import { AllocationLedger } from "../../../src/cluster/ledger.js";
import { type InformerStatus, KubeClusterCache } from "../../../src/extender/kube/cluster-cache.js";

function informer(name: string, synced: boolean, lastHeardAt: number): InformerStatus {
  return { name, hasSynced: () => synced, lastHeardAt: () => lastHeardAt };
}

describe("KubeClusterCache", () => {
  it("is ready only when every informer has listed, and says which has not", () => {
    let now = 1_000;
    const nodes = informer("node", true, 0);
    let podsSynced = false;
    const pods: InformerStatus = { name: "pod", hasSynced: () => podsSynced, lastHeardAt: () => 0 };
    const cache = new KubeClusterCache(
      new AllocationLedger(),
      [nodes, pods],
      () => undefined,
      () => now,
    );
    expect(cache.synced()).toBe(false);
    expect(cache.missing()).toEqual(["pod informer has not completed its first list"]);
    podsSynced = true;
    now += 1;
    expect(cache.synced()).toBe(true);
    expect(cache.missing()).toEqual([]);
  });

  it("ages from the most recent list or event of any informer, or from its start", () => {
    let now = 10_000;
    let podHeard = 0;
    const pods: InformerStatus = { name: "pod", hasSynced: () => true, lastHeardAt: () => podHeard };
    const cache = new KubeClusterCache(
      new AllocationLedger(),
      [informer("node", true, 0), pods],
      () => "ml/a",
      () => now,
    );
    now = 12_500;
    expect(cache.ageMs()).toBe(2_500);
    podHeard = 12_000;
    expect(cache.ageMs()).toBe(500);
    now = 42_000;
    expect(cache.ageMs()).toBe(30_000);
    expect(cache.podKeyByUid("uid-a")).toBe("ml/a");
  });
});
