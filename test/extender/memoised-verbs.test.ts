/**
 * Filter and prioritize answer from the app's verdict memo, and prioritize reuses filter's
 * verdicts: over HTTP, every answer must still be what decide() says about the cluster as it is
 * at that moment, as pods land on nodes, replicas repeat, and the clock moves.
 */
import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { podRequestFromV1 } from "../../src/cluster/pod-request.js";
import { configSchema } from "../../src/config/schema.js";
import { NOT_IN_CACHE_REASON } from "../../src/extender/candidates.js";
import { NodeViewCache } from "../../src/extender/node-views.js";
import { makeContext } from "../../src/scoring/context.js";
import type { DemandSnapshot } from "../../src/scoring/demand-snapshot.js";
import { allocationFor, decide } from "../../src/scoring/runner.js";
import { demandSnapshot, nodeTelemetry } from "../support/core-builders.js";
import { type Harness, makeHarness, NOW, occupy } from "./harness.js";
import { gpuNode, gpuPod } from "./objects.js";

const KINDS = [
  { gpus: 8, memoryMiB: 40960, product: "NVIDIA-A100-SXM4-40GB" },
  { gpus: 4, memoryMiB: 24576, product: "NVIDIA-A10G" },
  { gpus: 2, memoryMiB: 15360, product: "Tesla-T4" },
  { gpus: 8, memoryMiB: 81920, product: "NVIDIA-H100-80GB-HBM3" },
];
const TIERS = ["shared-kernel", "sandboxed", "hypervisor"];
const NODES = Array.from({ length: 12 }, (_, i) =>
  gpuNode({ name: `node-${String(i).padStart(2, "0")}`, ...KINDS[i % KINDS.length], tier: TIERS[i % TIERS.length] }),
);
const NAMES = [...NODES.map((n) => n.metadata?.name ?? ""), "node-unknown"];

/** Replica `r` of shape `s`: the same shape under another name. */
function replica(s: number, r: number): V1Pod {
  const shapes = [
    { gpuMemory: "20Gi", tier: "sandboxed", tenant: "team-a" },
    { gpus: 2, tenant: "team-b" },
    { gpuMemory: "10Gi", tenant: "team-a" },
    { gpuMemory: "30Gi", tier: "hypervisor", tenant: "team-c" },
  ];
  return gpuPod({ name: `shape${s}-${r}`, ...shapes[s] });
}

/** What decide() says now about these nodes, as the filter and prioritize replies put it. */
function expected(h: Harness, pod: V1Pod, names: readonly string[], now = NOW, demand?: DemandSnapshot) {
  const request = podRequestFromV1(pod, h.config);
  const states = names.flatMap((n) => h.ledger.node(n) ?? []);
  const decision = decide(request, states, makeContext(h.config, { now, demand }));
  const byName = new Map(decision.nodes.map((n) => [n.name, n]));
  const failed: Record<string, string> = {};
  const unresolvable: Record<string, string> = {};
  for (const name of names) {
    const n = byName.get(name);
    if (n === undefined) failed[name] = NOT_IN_CACHE_REASON;
    else if (n.rejection !== null) (n.rejection.unresolvable ? unresolvable : failed)[name] = n.rejection.reason;
  }
  const passed = names.filter((n) => byName.get(n)?.passed);
  return {
    filter: {
      Nodes: null,
      NodeNames: passed,
      FailedNodes: failed,
      FailedAndUnresolvableNodes: unresolvable,
      Error: "",
    },
    scores: passed.map((Host) => ({ Host, Score: byName.get(Host)?.score })),
    winner: decision.winner,
  };
}

/** Records the allocation bind would make for the pod on that node. */
function land(h: Harness, pod: V1Pod, node: string): void {
  const allocation = allocationFor(podRequestFromV1(pod, h.config), h.ledger.node(node)!, makeContext(h.config));
  if (!("devices" in allocation)) throw new Error(allocation.reason);
  expect(h.ledger.assign(allocation)).toBeNull();
}

describe("memoised filter and prioritize", () => {
  it("answer as decide() does while replicas repeat and pods land on the winners", async () => {
    const h = makeHarness({ nodes: NODES });
    for (let round = 0; round < 3; round++) {
      for (let s = 0; s < 4; s++) {
        const pod = replica(s, round);
        const want = expected(h, pod, NAMES);
        expect((await h.post("filter", { Pod: pod, NodeNames: NAMES })).json).toEqual(want.filter);
        const passed = want.filter.NodeNames;
        expect((await h.post("prioritize", { Pod: pod, NodeNames: passed })).json).toEqual(want.scores);
        // The winner takes its devices, as a bind would: a new state of that node for every later pod.
        if (want.winner !== null) land(h, pod, want.winner);
      }
    }
    const prioritized = h.logs.filter((l) => l.verb === "prioritize");
    expect(prioritized).toHaveLength(12);
    expect(prioritized.every((l) => l.reused === true)).toBe(true);
  });

  it("judge again once the clock made a node's telemetry stale between filter and prioritize", async () => {
    let now = NOW;
    // node-00's GPUs are busy; its sample turns stale 60 s after it was taken.
    const ts = NOW - 59_500;
    const snapshot = demandSnapshot(NOW, [nodeTelemetry("node-00", Array(8).fill(0.97), ts)]);
    // Live demand weighs most here, so its change shows in the integer score.
    const config = configSchema.parse({ scoring: { weights: { liveDemand: 20 } } });
    const h = makeHarness({ nodes: NODES, config, demand: () => snapshot, now: () => now });
    const pod = replica(2, 0);
    const filtered = expected(h, pod, NAMES, now, snapshot);
    expect((await h.post("filter", { Pod: pod, NodeNames: NAMES })).json).toEqual(filtered.filter);
    const passed = filtered.filter.NodeNames;
    expect(passed).toContain("node-00");
    now = NOW + 1000;
    const later = expected(h, pod, passed, now, snapshot);
    expect((await h.post("prioritize", { Pod: pod, NodeNames: passed })).json).toEqual(later.scores);
    const scoreOf = (list: { Host: string; Score?: number }[]) => list.find((x) => x.Host === "node-00")?.Score;
    // Stale data scores neutral, above what the busy GPUs scored while fresh.
    expect(scoreOf(later.scores)).toBeGreaterThan(scoreOf(filtered.scores) ?? 10);
    expect(h.logs.filter((l) => l.verb === "prioritize").map((l) => l.reused)).toEqual([false]);
  });

  it("sends the replies it writes as text with fastify's JSON content type", async () => {
    const h = makeHarness({ nodes: NODES });
    for (const url of ["/filter", "/prioritize"]) {
      const res = await h.app.inject({ method: "POST", url, payload: { Pod: replica(0, 0), NodeNames: NAMES } });
      expect([res.statusCode, res.headers["content-type"]]).toEqual([200, "application/json; charset=utf-8"]);
    }
  });

  it("explain shows the decision as it was made, even after the node changed", async () => {
    const h = makeHarness({ nodes: NODES });
    const pod = replica(0, 0);
    await h.post("filter", { Pod: pod, NodeNames: ["node-01"] });
    occupy(
      h,
      "default/late",
      "node-01",
      [0, 1, 2, 3].map((index) => ({ index, gib: 24 })),
    );
    const res = await h.admin.inject({ url: `/explain/default/${pod.metadata?.name}` });
    expect(res.json()).toMatchObject({ winner: "node-01", nodes: [{ name: "node-01", passed: true, reason: null }] });
    const now = await h.post("filter", { Pod: replica(0, 1), NodeNames: ["node-01"] });
    expect(now.json).toMatchObject({
      NodeNames: [],
      FailedNodes: { "node-01": expect.stringMatching(/^needs 20 GiB/) },
    });
  });
});

describe("NodeViewCache.stateOf (full Nodes mode)", () => {
  it("gives the same state object while the view and the ledger's state are the same, a new one otherwise", () => {
    const h = makeHarness({ nodes: NODES });
    const views = new NodeViewCache();
    const view = views.viewOf(NODES[1], h.config);
    const known = h.ledger.node("node-01");
    const state = views.stateOf(view, known);
    expect(views.stateOf(views.viewOf(NODES[1], h.config), h.ledger.node("node-01"))).toBe(state);
    occupy(h, "default/x", "node-01", [{ index: 0, gib: 4 }]);
    const changed = views.stateOf(view, h.ledger.node("node-01"));
    expect(changed).not.toBe(state);
    expect(changed.devices[0].freeUnits).toBe(20 * 1024 * 1000);
    expect(views.stateOf(view, undefined).version).toBe(0);
  });
});
