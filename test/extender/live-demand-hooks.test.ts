/** The extender's live-demand hooks: Redis health in /readyz and /metrics, and each bind reported for the herd-effect view. */
import { describe, expect, it } from "vitest";
import type { DemandStatus } from "../../src/extender/ports.js";
import { makeHarness } from "./harness.js";
import { gpuNode, gpuPod } from "./objects.js";

const POD = gpuPod({ name: "llm-0", gpuMemory: "20Gi", tier: "sandboxed", tenant: "team-a" });
const NODES = [gpuNode({ name: "node-a", tier: "sandboxed" })];
const DOWN: DemandStatus = {
  connected: false,
  lastRefreshAt: null,
  lastError: "connect ECONNREFUSED 127.0.0.1:6379",
  staleNodes: 3,
  staleModels: 1,
};

describe("live-demand hooks", () => {
  it("/readyz reports Redis health without blocking readiness (live scores fail open to neutral)", async () => {
    const h = makeHarness({ nodes: NODES, demandStatus: () => DOWN });
    const r = await h.app.inject({ url: "/readyz" });
    expect([r.statusCode, r.json()]).toEqual([200, { ready: true, missing: [], demand: DOWN }]);
  });

  it("/metrics exports Redis connectivity and stale entries by kind", async () => {
    const h = makeHarness({ nodes: NODES, demandStatus: () => DOWN });
    const lines = (await h.admin.inject({ url: "/metrics" })).body.split("\n");
    expect(lines).toContain("tierfit_demand_redis_connected 0");
    expect(lines).toContain('tierfit_demand_stale_entries{kind="node"} 3');
    expect(lines).toContain('tierfit_demand_stale_entries{kind="model"} 1');
  });

  it("reports every successful bind, with the devices it took, and none that failed", async () => {
    const placed: { pod: string; node: string; devices: number }[] = [];
    const h = makeHarness({
      nodes: NODES,
      apiPods: [POD],
      onPlaced: (pod, allocation) =>
        placed.push({ pod: pod.key, node: allocation.node, devices: allocation.devices.length }),
    });
    await h.post("filter", { Pod: POD, NodeNames: ["node-a"] });
    const ok = await h.post("bind", { PodName: "llm-0", PodNamespace: "default", PodUID: "uid-llm-0", Node: "node-a" });
    expect(ok.json).toEqual({ Error: "" });
    const again = await h.post("bind", {
      PodName: "llm-0",
      PodNamespace: "default",
      PodUID: "uid-llm-0",
      Node: "node-a",
    });
    expect((again.json as { Error: string }).Error).not.toBe("");
    expect(placed).toEqual([{ pod: "default/llm-0", node: "node-a", devices: 1 }]);
  });
});
