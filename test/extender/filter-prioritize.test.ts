import { readFileSync } from "node:fs";
import type { V1Node } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { AllocationLedger } from "../../src/cluster/ledger.js";
import { nodeViewFromV1 } from "../../src/cluster/node-view.js";
import { podRequestFromV1 } from "../../src/cluster/pod-request.js";
import { defaultConfig } from "../../src/config/load.js";
import { STANDALONE_NAMES_ERROR } from "../../src/extender/verbs/evaluate.js";
import { makeContext } from "../../src/scoring/context.js";
import { decide } from "../../src/scoring/runner.js";
import { type Harness, makeHarness, NOW, occupy } from "./harness.js";
import { gpuNode, gpuPod } from "./objects.js";

const TIER_B =
  "needs tier sandboxed (annotation tierfit.io/isolation-tier=sandboxed); node is shared-kernel (label tierfit.io/isolation-tier=shared-kernel)";
const MEMORY_C = "needs 20 GiB on one GPU; no GPU has that free (largest free: 10 GiB)";
const TENANT_E =
  "needs 1 GPU not shared with another tenant; 2 of 2 GPUs with room hold 2 pods of another tenant, and tier sandboxed does not share GPUs across tenants";

const NODES: V1Node[] = [
  gpuNode({ name: "node-a", tier: "sandboxed" }),
  gpuNode({ name: "node-b", gpus: 4, memoryMiB: 15360, product: "Tesla-T4", tier: "shared-kernel" }),
  gpuNode({ name: "node-c", gpus: 1, tier: "hypervisor" }),
  gpuNode({ name: "node-e", gpus: 2, tier: "sandboxed" }),
  gpuNode({ name: "node-f", gpus: 8, memoryMiB: 81920, product: "NVIDIA-H100-80GB-HBM3", tier: "hypervisor" }),
];
/** One GPU, 20 GiB of it, at least the sandboxed tier, tenant team-a. */
const POD = gpuPod({ name: "llm-0", gpuMemory: "20Gi", tier: "sandboxed", tenant: "team-a" });
const NAMES = ["node-e", "node-a", "node-x", "node-b", "node-f", "node-c"];

function cluster(standalone = false): Harness {
  const h = makeHarness({ nodes: NODES, standalone });
  if (!standalone) {
    occupy(h, "default/victim-c", "node-c", [{ index: 0, gib: 30 }]);
    occupy(h, "default/victim-e", "node-e", [
      { index: 0, gib: 10 },
      { index: 1, gib: 10 },
    ]);
  }
  return h;
}

/** The core's own verdict on the same state, to hold the wire answers against. */
function coreScores(h: Harness, names: string[]): Map<string, number> {
  const pod = podRequestFromV1(POD, h.config);
  const states = names.flatMap((n) => h.ledger.node(n) ?? []);
  const decision = decide(pod, states, makeContext(h.config, { now: NOW }));
  return new Map(decision.nodes.filter((n) => n.passed).map((n) => [n.name, n.score]));
}

describe("filter, names mode (nodeCacheCapable: true)", () => {
  it("answers NodeNames in input order with the core's reasons, unresolvable apart", async () => {
    const h = cluster();
    const res = await h.post("filter", { Pod: POD, Nodes: null, NodeNames: NAMES });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      Nodes: null,
      NodeNames: ["node-a", "node-f"],
      FailedNodes: {
        "node-c": MEMORY_C,
        "node-e": TENANT_E,
        "node-x": "node not in tierfit's cache yet",
      },
      FailedAndUnresolvableNodes: { "node-b": TIER_B },
      Error: "",
    });
  });

  it("logs one line per decision: pod, verb, nodes in / passed, winner, duration", async () => {
    const h = cluster();
    await h.post("filter", { Pod: POD, Nodes: null, NodeNames: NAMES });
    const lines = h.logs.filter((l) => l.msg === "decision");
    expect(lines).toHaveLength(1);
    const scores = coreScores(h, NAMES);
    const best = [...scores].sort((a, b) => b[1] - a[1])[0][0];
    expect(lines[0]).toMatchObject({
      level: 30,
      reqId: "req-1",
      verb: "filter",
      pod: "default/llm-0",
      mode: "names",
      nodesIn: 6,
      passed: 2,
      winner: best,
      outcome: "ok",
    });
    expect(typeof lines[0].durationMs).toBe("number");
  });

  it("accepts the field names in any case, as Go does", async () => {
    const h = cluster();
    const res = await h.post("filter", { pod: POD, nodes: null, NODENAMES: ["node-a", "node-b"] });
    expect(res.json).toMatchObject({ NodeNames: ["node-a"], FailedAndUnresolvableNodes: { "node-b": TIER_B } });
  });

  it("serves the body a real kube-scheduler v1.28 sent", async () => {
    const body = JSON.parse(readFileSync("test/fixtures/kube-scheduler-v1.28/names-filter-request.json", "utf8"));
    const cold = makeHarness();
    expect((await cold.post("filter", body)).json).toEqual({
      Nodes: null,
      NodeNames: [],
      FailedNodes: {
        "fake-gpu-node-b": "node not in tierfit's cache yet",
        "fake-gpu-node-a": "node not in tierfit's cache yet",
        "fake-gpu-node-c": "node not in tierfit's cache yet",
      },
      FailedAndUnresolvableNodes: {},
      Error: "",
    });
    const warm = makeHarness({
      nodes: ["fake-gpu-node-a", "fake-gpu-node-b", "fake-gpu-node-c"].map((name) => gpuNode({ name, tier: null })),
    });
    expect((await warm.post("filter", body)).json).toMatchObject({
      NodeNames: ["fake-gpu-node-b", "fake-gpu-node-a", "fake-gpu-node-c"],
      FailedNodes: {},
    });
  });

  it("reports a pod tierfit cannot interpret in Error, which kube-scheduler shows on the pod", async () => {
    const h = cluster();
    const bad = gpuPod({ name: "bad", gpuMemory: "lots" });
    const res = await h.post("filter", { Pod: bad, NodeNames: ["node-a"] });
    expect(res.status).toBe(200);
    const json = res.json as { Error: string; NodeNames: unknown; FailedNodes: unknown };
    expect(json.Error).toMatch(/tierfit\.io\/gpu-memory/);
    expect(json.Error).toMatch(/lots/);
    expect(json.NodeNames).toBeNull();
    expect(json.FailedNodes).toEqual({});
  });
});

describe("prioritize", () => {
  it("scores every input node in input order: the core's 0..10 for passing nodes, 0 for the rest", async () => {
    const h = cluster();
    const res = await h.post("prioritize", { Pod: POD, Nodes: null, NodeNames: NAMES });
    expect(res.status).toBe(200);
    const scores = coreScores(h, NAMES);
    expect(scores.size).toBe(2);
    expect(res.json).toEqual(NAMES.map((Host) => ({ Host, Score: scores.get(Host) ?? 0 })));
    for (const { Score } of res.json as { Score: number }[]) {
      expect(Number.isInteger(Score) && Score >= 0 && Score <= 10).toBe(true);
    }
    expect((res.json as { Host: string; Score: number }[]).find((r) => r.Host === "node-a")?.Score).toBeGreaterThan(0);
  });

  it("scores every node 0 (a 200, logged as an error) while the cache is incomplete: scheduling goes on", async () => {
    const h = makeHarness({ nodes: NODES, synced: false, missing: ["node informer has not completed its first list"] });
    const res = await h.post("prioritize", { Pod: POD, Nodes: null, NodeNames: NAMES });
    expect(res).toEqual({ status: 200, json: NAMES.map((Host) => ({ Host, Score: 0 })) });
    expect(h.logs.filter((l) => l.verb === "prioritize").at(-1)).toMatchObject({
      outcome: "error",
      error: "tierfit's cluster cache is not complete yet (node informer has not completed its first list)",
    });
  });

  it("reuses filter's decision when asked about exactly the nodes filter passed, and scores afresh otherwise", async () => {
    const h = cluster();
    await h.post("filter", { Pod: POD, NodeNames: NAMES });
    const same = await h.post("prioritize", { Pod: POD, NodeNames: ["node-f", "node-a"] });
    const fresh = await h.post("prioritize", { Pod: POD, NodeNames: ["node-a"] });
    const lines = h.logs.filter((l) => l.verb === "prioritize");
    expect(lines.map((l) => l.reused)).toEqual([true, false]);
    const scores = coreScores(h, ["node-f", "node-a"]);
    expect(same.json).toEqual([
      { Host: "node-f", Score: scores.get("node-f") },
      { Host: "node-a", Score: scores.get("node-a") },
    ]);
    expect(fresh.json).toEqual([{ Host: "node-a", Score: coreScores(h, ["node-a"]).get("node-a") }]);
  });

  it("does not reuse a decision once the node's allocations changed", async () => {
    const h = cluster();
    await h.post("filter", { Pod: POD, NodeNames: ["node-a", "node-f"] });
    occupy(h, "default/late", "node-a", [{ index: 3, gib: 40 }]);
    await h.post("prioritize", { Pod: POD, NodeNames: ["node-a", "node-f"] });
    expect(h.logs.find((l) => l.verb === "prioritize")?.reused).toBe(false);
  });

  it("answers a pod tierfit cannot interpret with a 400 (a HostPriorityList has no Error field)", async () => {
    const h = cluster();
    const res = await h.post("prioritize", { Pod: gpuPod({ name: "bad", gpuMemory: "lots" }), NodeNames: ["node-a"] });
    expect(res.status).toBe(400);
    expect((res.json as { Error: string }).Error).toMatch(/lots/);
  });
});

describe("full Nodes mode (nodeCacheCapable: false)", () => {
  it("echoes the same node objects, in order, with the ledger's allocations applied", async () => {
    const h = cluster();
    const items = [NODES[3], NODES[0], NODES[1], NODES[4], NODES[2]];
    const res = await h.post("filter", { Pod: POD, Nodes: { metadata: {}, items }, NodeNames: null });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      Nodes: { metadata: {}, items: [NODES[0], NODES[4]] },
      NodeNames: null,
      FailedNodes: { "node-c": MEMORY_C, "node-e": TENANT_E },
      FailedAndUnresolvableNodes: { "node-b": TIER_B },
      Error: "",
    });
    const prio = await h.post("prioritize", { Pod: POD, Nodes: { metadata: {}, items: [NODES[0], NODES[4]] } });
    const scores = coreScores(h, ["node-a", "node-f"]);
    expect(prio.json).toEqual([
      { Host: "node-a", Score: scores.get("node-a") },
      { Host: "node-f", Score: scores.get("node-f") },
    ]);
  });

  it("scores a node it has not cached from the body alone", async () => {
    const h = cluster();
    const stranger = gpuNode({ name: "node-new", gpus: 2, tier: "sandboxed" });
    const res = await h.post("filter", { Pod: POD, Nodes: { items: [stranger] } });
    expect(res.json).toMatchObject({ Nodes: { metadata: {}, items: [stranger] }, FailedNodes: {} });
  });

  it("rejects a node object tierfit cannot read as unresolvable, with the reason", async () => {
    const h = cluster();
    const broken = gpuNode({ name: "node-broken" });
    (broken.status?.allocatable as Record<string, string>)["nvidia.com/gpu"] = "1.5";
    const res = await h.post("filter", { Pod: POD, Nodes: { items: [broken, NODES[0]] } });
    const json = res.json as { FailedAndUnresolvableNodes: Record<string, string>; Nodes: { items: V1Node[] } };
    expect(json.Nodes.items.map((n) => n.metadata?.name)).toEqual(["node-a"]);
    expect(json.FailedAndUnresolvableNodes["node-broken"]).toMatch(
      /^tierfit cannot read node node-broken: .*a GPU count must be a whole number, got 1\.5$/,
    );
  });
});

describe("--standalone (no Kubernetes API)", () => {
  it("serves full Nodes from the request body alone", async () => {
    const h = cluster(true);
    const res = await h.post("filter", { Pod: POD, Nodes: { items: NODES } });
    // Without a cache nothing is known to be allocated: node-c and node-e have room.
    expect(res.json).toEqual({
      Nodes: { metadata: {}, items: [NODES[0], NODES[2], NODES[3], NODES[4]] },
      NodeNames: null,
      FailedNodes: {},
      FailedAndUnresolvableNodes: { "node-b": TIER_B },
      Error: "",
    });
    const ledger = new AllocationLedger();
    for (const n of NODES) ledger.upsertNode(nodeViewFromV1(n, defaultConfig()));
    const expected = decide(podRequestFromV1(POD, h.config), ledger.nodes(), makeContext(h.config, { now: NOW }));
    const prio = await h.post("prioritize", { Pod: POD, Nodes: { items: NODES } });
    expect(prio.json).toEqual(expected.nodes.map((n) => ({ Host: n.name, Score: n.score })));
  });

  it("answers names mode with an Error that says why and what to change", async () => {
    const h = cluster(true);
    const res = await h.post("filter", { Pod: POD, NodeNames: ["node-a"] });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      Nodes: null,
      NodeNames: null,
      FailedNodes: {},
      FailedAndUnresolvableNodes: {},
      Error: STANDALONE_NAMES_ERROR,
    });
    expect(STANDALONE_NAMES_ERROR).toMatch(
      /^tierfit runs --standalone: it keeps no node cache, so it cannot serve nodeCacheCapable: true; /,
    );
    const prio = await h.post("prioritize", { Pod: POD, NodeNames: ["node-a"] });
    expect(prio).toEqual({ status: 400, json: { Error: STANDALONE_NAMES_ERROR } });
  });
});
