/**
 * The FGD baseline: the artifact's integer score int(100 · sigmoid((before − after)/1000)), its
 * GPU choice, and the memo (per node state and pod shape) deciding exactly as direct scoring.
 */
import { describe, expect, it } from "vitest";
import { Random } from "../../../sim/random.js";
import type { PodRequest } from "../../../src/cluster/types.js";
import { FgdScratch, fgdPlacement, fgdScore } from "../../../src/scoring/baselines/fgd.js";
import { FgdMemo, shapeKey, stateSignature } from "../../../src/scoring/baselines/fgd-memo.js";
import { fgdPolicy } from "../../../src/scoring/baselines/policies.js";
import { compileMix } from "../../../src/scoring/fragmentation.js";
import { allocationFor, pickNode } from "../../../src/scoring/runner.js";
import type { TypicalPod } from "../../../src/scoring/types.js";
import { gpu, nodeState, podRequest } from "../../support/core-builders.js";
import { contextFor, ledgerOf, openbNode, openbPod } from "./support.js";

const T4 = 15109;
const t4 = (used = 0) => gpu(T4, { product: "T4", occupants: used > 0 ? [{ milli: used }] : [] });

/** One typical pod: half a GPU and one core. */
const HALF: TypicalPod[] = [{ milliCpu: 1000, gpuCount: 1, gpuMilli: 500, weight: 1 }];

function placement(pod: PodRequest, node: ReturnType<typeof nodeState>, mix: readonly TypicalPod[]) {
  const ctx = contextFor(fgdPolicy(), mix);
  return fgdPlacement(pod, node, ctx, compileMix(mix), new FgdScratch());
}

describe("FGD score", () => {
  it("is int(100 · sigmoid((before − after) / 1000))", () => {
    expect(fgdScore(0, 0)).toBe(50);
    expect(fgdScore(0, 300)).toBe(42); // 100 / (1 + e^0.3) = 42.56
    expect(fgdScore(300, 0)).toBe(57); // 100 / (1 + e^−0.3) = 57.44
  });

  it("a sharing pod tries each GPU and keeps the best", () => {
    // Free 600 and 1000; the typical pod (500) fits both: before = 0.
    const node = nodeState({ name: "n", gpus: [t4(400), t4()] });
    // 300 on GPU 0 leaves 300 < 500 idle: after 300 → 42. On GPU 1: 600 and 700, both usable → 50.
    expect(placement(podRequest({ cpu: 1, gpuCount: 1, gpuMilli: 300 }), node, HALF)).toEqual({ score: 50, device: 1 });
    // 600 fills GPU 0 exactly: after 0 → 50. On GPU 1 it leaves 400 < 500: after 400 → 40.
    expect(placement(podRequest({ cpu: 1, gpuCount: 1, gpuMilli: 600 }), node, HALF)).toEqual({ score: 50, device: 0 });
  });

  it("equal integer scores go to the lower GPU, even when the other fragments less", () => {
    // Typical pods: 500 (half) and 100 (half). Free 1000 and 105; pod takes 5.
    const mix: TypicalPod[] = [
      { milliCpu: 0, gpuCount: 1, gpuMilli: 500, weight: 0.5 },
      { milliCpu: 0, gpuCount: 1, gpuMilli: 100, weight: 0.5 },
    ];
    const node = nodeState({ name: "n", gpus: [t4(), t4(895)] });
    // before: 105 < 500 counts for the 500 pod: 0.5 · 105 = 52.5.
    // GPU 0 → free 995, 105: after 52.5, score 50. GPU 1 → free 1000, 100: after 0.5 · 100 = 50,
    // score int(50.06) = 50. Tie: GPU 0, where least-fragmentation would have picked GPU 1.
    const pod = podRequest({ cpu: 1, gpuCount: 1, gpuMilli: 5 });
    expect(placement(pod, node, mix)).toEqual({ score: 50, device: 0 });
    const ctx = contextFor(fgdPolicy(), mix);
    const alloc = allocationFor(pod, node, ctx);
    expect("devices" in alloc && alloc.devices.map((d) => d.index)).toEqual([0]);
  });

  it("whole-GPU pods take the least free GPUs that fit; CPU-only pods change CPU only", () => {
    const mix: TypicalPod[] = [
      { milliCpu: 4000, gpuCount: 2, gpuMilli: 1000, weight: 0.5 },
      { milliCpu: 2000, gpuCount: 0, gpuMilli: 0, weight: 0.5 },
    ];
    // Three free GPUs and 6 cores: the 2-GPU pod fits (before: 0.5 · 0 + 0.5 · 3000 = 1500).
    const node = nodeState({ name: "n", cpu: 8, requestedCpu: 2, gpus: [t4(), t4(), t4()] });
    // A 1-GPU pod (1 core) leaves two free GPUs, 5 cores: still fits → after 0.5 · 0 + 0.5 · 2000 = 1000;
    // sigmoid(0.5) · 100 = 62.2 → 62.
    expect(placement(podRequest({ cpu: 1, gpuCount: 1 }), node, mix).score).toBe(62);
    // A CPU-only pod of 3 cores leaves 3: the 2-GPU pod no longer fits → after 3000; sigmoid(−1.5) → 18.
    expect(placement(podRequest({ cpu: 3 }), node, mix).score).toBe(18);
  });
});

describe("FGD memo", () => {
  it("keys a node by CPU left and its devices' states, in any device order", () => {
    const a = nodeState({ name: "a", gpus: [t4(500), t4()] });
    const b = nodeState({ name: "b", gpus: [t4(), t4(500)] });
    const c = nodeState({ name: "c", gpus: [t4(), t4(400)] });
    expect(stateSignature(a)).toBe(stateSignature(b));
    expect(stateSignature(a)).not.toBe(stateSignature(c));
    expect(shapeKey(podRequest({ cpu: 2, gpuCount: 1, gpuMilli: 300 }))).not.toBe(
      shapeKey(podRequest({ cpu: 2, gpuCount: 1, gpuMilli: 400 })),
    );
  });

  it("keys pods that take GPUs differently apart: whole and alone, passthrough, a MIG slice", () => {
    const plain = podRequest({ cpu: 2, gpuCount: 1 });
    const keys = [
      plain,
      { ...plain, exclusive: true as const },
      { ...plain, exclusive: true as const, passthroughResource: true as const },
      { ...plain, migProfile: "3g.40gb" },
    ].map(shapeKey);
    expect(new Set(keys).size).toBe(4);
  });

  it("scores identical nodes once per pod shape", () => {
    const memo = new FgdMemo();
    const ctx = contextFor(fgdPolicy(), HALF);
    const mix = compileMix(HALF);
    const nodes = ["a", "b", "c"].map((name) => nodeState({ name, gpus: [t4(400), t4()] }));
    const pod = podRequest({ cpu: 1, gpuCount: 1, gpuMilli: 300 });
    const shape = memo.shapeOf(pod);
    expect(nodes.map((n) => memo.score(pod, shape, n, ctx, mix))).toEqual([50, 50, 50]);
    expect(memo.computed).toBe(1);
    expect(memo.shapeOf(podRequest({ name: "other", cpu: 1, gpuCount: 1, gpuMilli: 300 }))).toBe(shape);
  });

  it("decides exactly as direct scoring over 400 seeded placements", () => {
    const rng = Random.stream(11, "test/fgd-memo");
    const views = Array.from({ length: 24 }, (_, i) =>
      openbNode(
        `node-${String(i).padStart(2, "0")}`,
        [32000, 64000, 96000][i % 3],
        [1, 2, 4, 8][i % 4],
        i % 5 === 0 ? "V100" : "T4",
      ),
    );
    const shapes = [
      { milliCpu: 4000, gpuCount: 1, gpuMilli: 1000 },
      { milliCpu: 6000, gpuCount: 1, gpuMilli: 460 },
      { milliCpu: 2000, gpuCount: 1, gpuMilli: 250 },
      { milliCpu: 8000, gpuCount: 1, gpuMilli: 810 },
      { milliCpu: 16000, gpuCount: 2, gpuMilli: 1000 },
      { milliCpu: 32000, gpuCount: 4, gpuMilli: 1000 },
      { milliCpu: 3000, gpuCount: 0, gpuMilli: 0 },
      { milliCpu: 4000, gpuCount: 1, gpuMilli: 500, products: ["V100"] },
    ];
    const mix: TypicalPod[] = shapes
      .slice(0, 7)
      .map((s, i) => ({ ...s, weight: [0.3, 0.2, 0.15, 0.1, 0.05, 0.05, 0.15][i] }));
    const ledger = ledgerOf(views);
    const memoised = contextFor(fgdPolicy(), mix);
    const direct = contextFor(fgdPolicy({ memoise: false }), mix);
    let placed = 0;
    for (let i = 0; i < 400; i++) {
      const pod = openbPod(`p${i}`, shapes[rng.int(shapes.length)]);
      const nodes = ledger.nodes();
      const a = pickNode(pod, nodes, memoised);
      const b = pickNode(pod, nodes, direct);
      expect(a?.node.view.name).toBe(b?.node.view.name);
      expect(a?.rawScore).toBe(b?.rawScore);
      if (a === null) continue;
      const allocA = allocationFor(pod, a.node, memoised);
      const allocB = allocationFor(pod, a.node, direct);
      expect(allocA).toEqual(allocB);
      if ("devices" in allocA) {
        expect(ledger.assign(allocA)).toBeNull();
        placed++;
      }
    }
    // The run must reach a full cluster (many pods fail), where scores are closest.
    expect(placed).toBeGreaterThan(100);
    expect(placed).toBeLessThan(300);
  });
});
