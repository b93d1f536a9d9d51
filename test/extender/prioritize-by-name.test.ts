/**
 * Prioritize in names mode reuses filter's verdicts without looking its nodes up again when the
 * ledger has not changed since filter (its change count) and it names exactly the nodes filter
 * passed, in filter's order. Every way that shortcut could go stale must still give decide()'s
 * answer for the cluster as it is when prioritize runs: a passed node that changed, left, or left
 * and came back; other names, another order, a subset.
 */
import type { V1Pod } from "@kubernetes/client-node";
import { afterEach, describe, expect, it, vi } from "vitest";
import { nodeViewFromV1 } from "../../src/cluster/node-view.js";
import { podRequestFromV1 } from "../../src/cluster/pod-request.js";
import { defaultConfig } from "../../src/config/load.js";
import { NodeLookup } from "../../src/extender/node-lookup.js";
import { makeContext } from "../../src/scoring/context.js";
import { decide } from "../../src/scoring/runner.js";
import { type Harness, makeHarness, NOW, occupy } from "./harness.js";
import { gpuNode, gpuPod } from "./objects.js";

const NODES = Array.from({ length: 8 }, (_, i) =>
  gpuNode({ name: `node-${String(i).padStart(2, "0")}`, gpus: 4, memoryMiB: 40960, tier: "hypervisor" }),
);
const NAMES = NODES.map((n) => n.metadata?.name ?? "");
const POD: V1Pod = gpuPod({ name: "p", gpuMemory: "20Gi", tenant: "team-a" });

/** The HostPriorityList decide() gives now for these names: 0 for a node rejected or not cached. */
function scoresNow(h: Harness, names: readonly string[]) {
  const request = podRequestFromV1(POD, h.config);
  const states = names.flatMap((n) => h.ledger.node(n) ?? []);
  const decision = decide(request, states, makeContext(h.config, { now: NOW, clusterCpuPerGpu: h.ledger.cpuPerGpu() }));
  const byName = new Map(decision.nodes.map((n) => [n.name, n]));
  return names.map((Host) => ({ Host, Score: byName.get(Host)?.passed ? byName.get(Host)?.score : 0 }));
}

/** Filters the pod over every node; the names it passed. */
async function filtered(h: Harness): Promise<string[]> {
  const res = await h.post("filter", { Pod: POD, NodeNames: NAMES });
  expect(res.status).toBe(200);
  return (res.json as { NodeNames: string[] }).NodeNames;
}

async function prioritize(h: Harness, names: readonly string[]) {
  const res = await h.post("prioritize", { Pod: POD, NodeNames: names });
  expect(res.status).toBe(200);
  const line = h.logs.filter((l) => l.verb === "prioritize").at(-1);
  return { scores: res.json, reused: line?.reused };
}

/** Fills every GPU of the node, so the pod no longer fits there. */
function fill(h: Harness, node: string): void {
  occupy(
    h,
    `default/filler-${node}`,
    node,
    [0, 1, 2, 3].map((index) => ({ index, gib: 40 })),
  );
}

describe("prioritize reusing filter's verdicts by name", () => {
  afterEach(() => vi.restoreAllMocks());

  it("reuses them when nothing changed, with decide()'s scores", async () => {
    const h = makeHarness({ nodes: NODES });
    occupy(h, "default/a", "node-01", [{ index: 0, gib: 30 }]);
    const passed = await filtered(h);
    expect(passed).toEqual(NAMES);
    const want = scoresNow(h, passed);
    const lookups = vi.spyOn(NodeLookup.prototype, "positions");
    expect(await prioritize(h, passed)).toEqual({ scores: want, reused: true });
    expect(lookups).not.toHaveBeenCalled();
  });

  it("judges again when a node filter passed changed since", async () => {
    const h = makeHarness({ nodes: NODES });
    const passed = await filtered(h);
    fill(h, "node-03");
    const now = await prioritize(h, passed);
    expect(now).toEqual({ scores: scoresNow(h, passed), reused: false });
    expect((now.scores as { Host: string; Score: number }[])[3]).toEqual({ Host: "node-03", Score: 0 });
  });

  it("still answers for the cluster as it is when another node changed", async () => {
    // Learning off: filling a node here moves the CPU per GPU learnt, the next test's case.
    const config = defaultConfig();
    const h = makeHarness({
      nodes: [...NODES, gpuNode({ name: "elsewhere", gpus: 4 })],
      config: { ...config, fragmentation: { ...config.fragmentation, learnCpuPerGpu: false } },
    });
    const passed = await filtered(h);
    fill(h, "elsewhere");
    const want = scoresNow(h, passed);
    // The ledger changed, so the names are looked up again: the same states, filter's verdicts.
    const lookups = vi.spyOn(NodeLookup.prototype, "positions");
    expect(await prioritize(h, passed)).toEqual({ scores: want, reused: true });
    expect(lookups).toHaveBeenCalledTimes(1);
  });

  it("judges again when another node moved the CPU per GPU learnt from the cluster", async () => {
    const h = makeHarness({ nodes: [...NODES, gpuNode({ name: "elsewhere", gpus: 4 })] });
    const passed = await filtered(h);
    // 1 core over 4 GPUs: 0.25 cores per GPU, rounded to 0.5 (learned-cpu.ts), where nothing was learnt.
    fill(h, "elsewhere");
    expect(h.ledger.cpuPerGpu()).toBe(0.25);
    expect(await prioritize(h, passed)).toEqual({ scores: scoresNow(h, passed), reused: false });
  });

  it("scores 0 a node that left the cache, and judges a node that came back afresh", async () => {
    const h = makeHarness({ nodes: NODES });
    let passed = await filtered(h);
    h.ledger.removeNode("node-05");
    const gone = await prioritize(h, passed);
    expect(gone).toEqual({ scores: scoresNow(h, passed), reused: false });
    expect((gone.scores as { Host: string; Score: number }[])[5]).toEqual({ Host: "node-05", Score: 0 });

    h.ledger.upsertNode(nodeViewFromV1(NODES[5], h.config));
    passed = await filtered(h);
    // Back with fewer GPUs: the same name, another node.
    h.ledger.upsertNode(nodeViewFromV1(gpuNode({ name: "node-05", gpus: 1, memoryMiB: 15360 }), h.config));
    const back = await prioritize(h, passed);
    expect(back).toEqual({ scores: scoresNow(h, passed), reused: false });
    expect((back.scores as { Host: string; Score: number }[])[5]).toEqual({ Host: "node-05", Score: 0 });
  });

  it("does not take other names of the same length for filter's", async () => {
    const h = makeHarness({ nodes: NODES });
    const passed = await filtered(h);
    const other = passed.map((n) => (n === "node-02" ? "node-99" : n));
    const res = await prioritize(h, other);
    expect(res).toEqual({ scores: scoresNow(h, other), reused: false });
    expect((res.scores as { Host: string; Score: number }[])[2]).toEqual({ Host: "node-99", Score: 0 });
  });

  it("answers a reordered list or a subset as decide() does", async () => {
    const h = makeHarness({ nodes: NODES });
    const passed = await filtered(h);
    const reversed = [...passed].reverse();
    expect(await prioritize(h, reversed)).toEqual({ scores: scoresNow(h, reversed), reused: true });
    await filtered(h);
    const some = passed.slice(2, 5);
    expect(await prioritize(h, some)).toEqual({ scores: scoresNow(h, some), reused: false });
  });
});
