/**
 * The placement memo answers pickNode from kept verdicts and scores, its change log and each
 * shape's kept winner. Whatever the sequence (placements, releases, nodes added, arrays
 * reordered, a shape unseen for long), its answer must be the one plain pickNode gives.
 */
import { describe, expect, it } from "vitest";
import type { AllocationLedger } from "../../src/cluster/ledger.js";
import type { NodeState, PodRequest } from "../../src/cluster/types.js";
import { POLICY_NAMES, policyByName } from "../../src/scoring/baselines/registry.js";
import { makeContext } from "../../src/scoring/context.js";
import { PlacementMemo } from "../../src/scoring/placement-memo.js";
import { allocationFor, pickNode } from "../../src/scoring/runner.js";
import type { ScoringContext } from "../../src/scoring/types.js";
import { gpu, nodeState, podRequest, testConfig } from "../support/core-builders.js";
import { mulberry32 } from "../support/prng.js";
import { config, contextFor, ledgerOf, openbNode, openbPod } from "./baselines/support.js";

const prng = mulberry32;

const SHAPES = [
  { gpuCount: 1, gpuMilli: 250, milliCpu: 2000 },
  { gpuCount: 1, gpuMilli: 500, milliCpu: 4000 },
  { gpuCount: 1, gpuMilli: 1000, milliCpu: 8000 },
  { gpuCount: 2, gpuMilli: 1000, milliCpu: 16000 },
  { gpuCount: 0, milliCpu: 6000 },
  { gpuCount: 4, gpuMilli: 1000, milliCpu: 4000 },
];

/** The memoised and the plain answer for the same call, as comparable text. */
function both(pod: PodRequest, nodes: readonly NodeState[], ctx: ScoringContext, memo: PlacementMemo) {
  const text = (p: ReturnType<typeof pickNode>) =>
    p === null ? "none" : `${p.node.view.name} ${p.score} ${p.rawScore}`;
  const plain = pickNode(pod, nodes, ctx);
  return { plain, memoised: text(pickNode(pod, nodes, ctx, memo)), expected: text(plain) };
}

function place(ledger: AllocationLedger, pod: PodRequest, node: NodeState, ctx: ScoringContext, placed: string[]) {
  const alloc = allocationFor(pod, node, ctx);
  if ("reason" in alloc) throw new Error(alloc.reason);
  expect(ledger.assign(alloc)).toBeNull();
  placed.push(pod.key);
}

describe("PlacementMemo", () => {
  it.each(POLICY_NAMES)("%s: the same winner as plain pickNode through placements, releases and new nodes", (name) => {
    const rand = prng(name.length * 7919);
    const ledger = ledgerOf(
      Array.from({ length: 30 }, (_, i) =>
        openbNode(`n${String(i).padStart(2, "0")}`, [32000, 64000, 96000][i % 3], [1, 2, 4, 8][i % 4]),
      ),
    );
    const ctx = contextFor(policyByName(name, config, { seed: 42 }));
    const memo = new PlacementMemo();
    // The same, following the ledger's change feed instead of comparing every entry.
    const fed = new PlacementMemo(ledger);
    const placed: string[] = [];
    const mismatches: string[] = [];
    for (let i = 0; i < 400; i++) {
      // Releases make nodes emptier, so scores rise as well as fall.
      if (placed.length > 0 && rand() < 0.3) ledger.release(placed.splice(Math.floor(rand() * placed.length), 1)[0]);
      if (i % 150 === 149) ledger.upsertNode(openbNode(`m${i}`, 64000, 4));
      if (i % 150 === 75) {
        // One node leaves and another joins: as many nodes as before, in a new array.
        ledger.removeNode(`n${String(i % 30).padStart(2, "0")}`);
        ledger.upsertNode(openbNode(`k${i}`, 32000, 2));
      }
      const pod = openbPod(`p${i}`, SHAPES[Math.floor(rand() * SHAPES.length)]);
      const nodes = ledger.nodes();
      const { plain, memoised, expected } = both(pod, nodes, ctx, memo);
      if (memoised !== expected) mismatches.push(`${pod.key}: ${memoised} ≠ ${expected}`);
      const followed = both(pod, nodes, ctx, fed).memoised;
      if (followed !== expected) mismatches.push(`${pod.key} (feed): ${followed} ≠ ${expected}`);
      if (plain !== null) place(ledger, pod, plain.node, ctx, placed);
    }
    expect(mismatches).toEqual([]);
    expect(placed.length).toBeGreaterThan(100);
    expect(memo.hits).toBeGreaterThan(memo.misses);
    expect(fed.misses).toBe(memo.misses);
  });

  it("following a ledger's feed, sees a node leave and another join (as many nodes, a new array)", () => {
    const ledger = ledgerOf([openbNode("a", 32000, 1), openbNode("b", 32000, 8), openbNode("c", 32000, 1)]);
    const ctx = contextFor(policyByName("binpack", config, { seed: 1 }));
    const fed = new PlacementMemo(ledger);
    const pod = openbPod("p", { gpuCount: 4, gpuMilli: 1000, milliCpu: 1000 });
    expect(pickNode(pod, ledger.nodes(), ctx, fed)?.node.view.name).toBe("b");
    ledger.removeNode("b");
    ledger.upsertNode(openbNode("d", 32000, 1));
    expect(ledger.nodes().map((n) => n.view.name)).toEqual(["a", "c", "d"]);
    // Only b had four GPUs: nothing fits now, whatever the memo kept.
    expect(pickNode(pod, ledger.nodes(), ctx, fed)).toBeNull();
  });

  it("starts over when the same nodes come in another order, and breaks ties by name, not position", () => {
    const ctx = contextFor(policyByName("kube-default", config, { seed: 1 }));
    const twins = ["c", "a", "b"].map((name) => nodeState({ name, gpus: [gpu(15109, { product: "T4" })] }));
    const memo = new PlacementMemo();
    const pod = openbPod("p", { gpuCount: 1, gpuMilli: 500 });
    expect(pickNode(pod, twins, ctx, memo)?.node.view.name).toBe("a");
    // Node "a" fills up: the kept winner falls, and the next by name takes its place.
    const fullA = nodeState({ name: "a", gpus: [gpu(15109, { product: "T4", occupants: [{ milli: 1000 }] })] });
    const after = [twins[0], fullA, twins[2]];
    expect(pickNode(pod, after, ctx, memo)?.node.view.name).toBe("b");
    expect(pickNode(pod, [...after].reverse(), ctx, memo)?.node.view.name).toBe("b");
    expect(pickNode(pod, [...twins].reverse(), ctx, memo)?.node.view.name).toBe("a");
  });

  it("answers a shape unseen for longer than its change log reaches", () => {
    const ctx = contextFor(policyByName("binpack", config, { seed: 1 }));
    const memo = new PlacementMemo();
    const rare = openbPod("rare", { gpuCount: 1, gpuMilli: 600 });
    const common = openbPod("common", { gpuCount: 1, gpuMilli: 100 });
    const t4 = (name: string, used: number) =>
      nodeState({ name, gpus: [gpu(15109, { product: "T4", occupants: used > 0 ? [{ milli: used }] : [] })] });
    const nodes = Array.from({ length: 10 }, (_, i) => t4(`n${i}`, 100));
    expect(pickNode(rare, nodes, ctx, memo)?.node.view.name).toBe("n0");
    // n5 becomes the fullest node the rare shape still fits (binpack's pick); then only n0
    // changes, call after call, until the change log is trimmed past n5's change.
    nodes[5] = t4("n5", 400);
    for (let round = 0; round < 1200; round++) {
      nodes[0] = t4("n0", 100 + (round % 2));
      pickNode(common, nodes, ctx, memo);
    }
    expect(pickNode(rare, nodes, ctx)?.node.view.name).toBe("n5");
    expect(pickNode(rare, nodes, ctx, memo)).toEqual(pickNode(rare, nodes, ctx));
  });

  it("keeps apart pods of one request that run at different tiers, or take GPUs exclusively", () => {
    const ctx = makeContext(testConfig());
    // Hypervisor nodes: on "shared", another tenant's hypervisor pod leaves just room for the pod;
    // on "own", the pod's own tenant leaves more; "spare" is free. Binpack ranks them in that order.
    const held = (name: string, tenant: string, mib: number) =>
      nodeState({
        name,
        tier: 2,
        gpus: [gpu(81920, { occupants: [{ podKey: `${tenant}/x`, tenant, sharingTier: 2, mib }] })],
      });
    const nodes = [
      held("shared", "b", 71680),
      held("own", "a", 40960),
      nodeState({ name: "spare", tier: 2, gpus: [gpu(81920)] }),
    ];
    const memo = new PlacementMemo();
    const pick = (pod: PodRequest) => {
      const memoised = pickNode(pod, nodes, ctx, memo);
      expect(memoised).toEqual(pickNode(pod, nodes, ctx));
      return memoised?.node.view.name;
    };
    const shape = { gpuCount: 1, gpuMiB: 10240, tenant: "a", tier: 2 } as const;
    expect(pick(podRequest({ ...shape, sharingTier: 2 }))).toBe("shared");
    // Annotated hypervisor, running at the weakest tier: only its own tenant's GPU or a free one.
    expect(pick(podRequest({ ...shape, sharingTier: 0 }))).toBe("own");
    // Passthrough: only a GPU no pod holds.
    expect(pick({ ...podRequest({ ...shape, sharingTier: 2 }), exclusive: true })).toBe("spare");
  });

  it("reuses answers for unchanged nodes and computes only the changed ones", () => {
    const ctx = contextFor(policyByName("bestfit", config, { seed: 1 }));
    const nodes = Array.from({ length: 20 }, (_, i) => nodeState({ name: `n${i}`, gpus: [gpu(15109)] }));
    const memo = new PlacementMemo();
    const pod = podRequest({ name: "p", gpuCount: 1, gpuMilli: 500 });
    pickNode(pod, nodes, ctx, memo);
    expect({ hits: memo.hits, misses: memo.misses }).toEqual({ hits: 0, misses: 20 });
    const changed = [...nodes];
    changed[7] = nodeState({ name: "n7", gpus: [gpu(15109, { occupants: [{ milli: 250 }] })] });
    pickNode(pod, changed, ctx, memo);
    expect({ hits: memo.hits, misses: memo.misses }).toEqual({ hits: 19, misses: 21 });
  });
});
