/**
 * The Random baseline draws from (seed, pod, node) without a random source: the same seed gives
 * the same run, other seeds other runs, and winners and GPUs come out about uniform.
 */
import { describe, expect, it } from "vitest";
import { fmix32, hashString, seedKey, unitDraw } from "../../../src/scoring/baselines/hash.js";
import { randomPolicy } from "../../../src/scoring/baselines/policies.js";
import { PlacementMemo } from "../../../src/scoring/placement-memo.js";
import { allocationFor, pickNode } from "../../../src/scoring/runner.js";
import { gpu, nodeState, podRequest } from "../../support/core-builders.js";
import { contextFor, ledgerOf, openbNode, openbPod } from "./support.js";

const T4 = 15109;
const nodes = Array.from({ length: 8 }, (_, i) => nodeState({ name: `node-${i}`, gpus: [gpu(T4, { product: "T4" })] }));
const pods = Array.from({ length: 4000 }, (_, i) => podRequest({ name: `pod-${i}`, gpuCount: 1, gpuMilli: 300 }));

function winners(seed: number): string[] {
  const ctx = contextFor(randomPolicy(seed));
  return pods.map((p) => pickNode(p, nodes, ctx)?.node.view.name ?? "none");
}

/** Pearson's chi-square statistic of counts against a uniform expectation. */
function chiSquare(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

describe("hash draws", () => {
  it("fmix32 and FNV-1a give known values", () => {
    expect(fmix32(0)).toBe(0);
    expect(fmix32(1)).toBe(0x514e28b7); // murmur3 fmix32(1)
    expect(hashString("")).toBe(0x811c9dc5); // FNV-1a offset basis
    expect(hashString("a")).toBe(0xe40c292c); // FNV-1a("a")
  });

  it("draws lie in [0, 1) and depend on every part", () => {
    const d = unitDraw(seedKey(42), hashString("openb/pod-1"), hashString("node-1"));
    expect(d).toBeGreaterThanOrEqual(0);
    expect(d).toBeLessThan(1);
    expect(unitDraw(seedKey(43), hashString("openb/pod-1"), hashString("node-1"))).not.toBe(d);
    expect(unitDraw(seedKey(42), hashString("openb/pod-2"), hashString("node-1"))).not.toBe(d);
    expect(unitDraw(seedKey(42), hashString("openb/pod-1"), hashString("node-2"))).not.toBe(d);
    // Seeds beyond 32 bits count both halves.
    expect(seedKey(2 ** 32 + 42)).not.toBe(seedKey(42));
  });
});

describe("random policy", () => {
  const first = winners(42);

  it("is deterministic for a seed, whatever the order nodes come in", () => {
    expect(winners(42)).toEqual(first);
    const ctx = contextFor(randomPolicy(42));
    const reversed = [...nodes].reverse();
    expect(pods.slice(0, 200).map((p) => pickNode(p, reversed, ctx)?.node.view.name)).toEqual(first.slice(0, 200));
  });

  it("another seed gives another run", () => {
    const other = winners(7);
    const same = other.filter((w, i) => w === first[i]).length;
    // Independent uniform picks over 8 nodes agree about 1 time in 8.
    expect(same / pods.length).toBeGreaterThan(0.08);
    expect(same / pods.length).toBeLessThan(0.17);
  });

  it("spreads winners about uniformly over the nodes that pass", () => {
    const counts = nodes.map((n) => first.filter((w) => w === n.view.name).length);
    // 7 degrees of freedom: chi-square above 24.3 would happen 1 time in 1000 for a fair draw.
    expect(chiSquare(counts)).toBeLessThan(24.3);
    // A node that fails the filters never wins.
    const full = nodeState({ name: "node-full", gpus: [gpu(T4, { product: "T4", occupants: [{ milli: 900 }] })] });
    const ctx = contextFor(randomPolicy(42));
    const picks = pods.slice(0, 500).map((p) => pickNode(p, [full, ...nodes.slice(0, 2)], ctx)?.node.view.name);
    expect(picks).not.toContain("node-full");
  });

  it("with the runner's memo, reuses only filter verdicts: the same winners as without", () => {
    const ctx = contextFor(randomPolicy(5));
    const ledger = ledgerOf(Array.from({ length: 12 }, (_, i) => openbNode(`n${i}`, 32000, 1 + (i % 4))));
    const memo = new PlacementMemo();
    const shapes = [{ gpuCount: 1, gpuMilli: 500 }, { gpuCount: 1 }, { gpuCount: 0, milliCpu: 2000 }];
    for (let i = 0; i < 120; i++) {
      const pod = openbPod(`p${i}`, shapes[i % shapes.length]);
      const nodes = ledger.nodes();
      const plain = pickNode(pod, nodes, ctx);
      expect(pickNode(pod, nodes, ctx, memo)?.node.view.name).toBe(plain?.node.view.name);
      if (plain === null) continue;
      const alloc = allocationFor(pod, plain.node, ctx);
      if ("devices" in alloc) expect(ledger.assign(alloc)).toBeNull();
    }
    expect(memo.hits).toBeGreaterThan(memo.misses);
  });

  it("puts a sharing pod on a uniformly drawn GPU among those that fit", () => {
    // Four GPUs fit (free 1000, 500, 1000, 700); GPU 2 is nearly full (100 free).
    const node = nodeState({
      name: "n",
      gpus: [0, 500, 900, 300, 0].map((used) =>
        gpu(T4, { product: "T4", occupants: used > 0 ? [{ milli: used }] : [] }),
      ),
    });
    const ctx = contextFor(randomPolicy(42));
    const counts = [0, 0, 0, 0, 0];
    for (const p of pods.slice(0, 2000)) {
      const alloc = allocationFor(p, node, ctx);
      if (!("devices" in alloc)) throw new Error(alloc.reason);
      counts[alloc.devices[0].index]++;
    }
    expect(counts[2]).toBe(0);
    const fitting = [counts[0], counts[1], counts[3], counts[4]];
    // 3 degrees of freedom: 16.3 at p = 0.001.
    expect(chiSquare(fitting)).toBeLessThan(16.3);
    // The same pod on the same node always gets the same GPU.
    expect(allocationFor(pods[0], node, ctx)).toEqual(allocationFor(pods[0], node, ctx));
  });
});
