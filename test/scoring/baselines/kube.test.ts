import { describe, expect, it } from "vitest";
import {
  balancedAllocationScore,
  leastAllocatedScore,
  leastRequestedScore,
  mostAllocatedScore,
  mostRequestedScore,
} from "../../../src/scoring/baselines/kube.js";
import { binpackPolicy, kubeDefaultPolicy } from "../../../src/scoring/baselines/policies.js";
import { decide, pickNode } from "../../../src/scoring/runner.js";
import { gpu, nodeState, podRequest } from "../../support/core-builders.js";
import { contextFor } from "./support.js";

const A100 = 81920;

describe("kube's per-resource scores (integer division as in Go)", () => {
  it("least requested: (capacity − requested) · 100 / capacity, 0 when over", () => {
    expect(leastRequestedScore(2000, 7000)).toBe(71); // 5000·100/7000 = 71.4
    expect(leastRequestedScore(8000, 7000)).toBe(0);
    expect(leastRequestedScore(1, 0)).toBe(0);
  });

  it("most requested: requested · 100 / capacity, capped at capacity", () => {
    expect(mostRequestedScore(2000, 7000)).toBe(28); // 200000/7000 = 28.6
    expect(mostRequestedScore(9000, 7000)).toBe(100);
  });
});

describe("kube-default: LeastAllocated + BalancedAllocation", () => {
  // 7 cores and 7 GiB; the pod asks 2 cores and 3 GiB.
  const node = nodeState({ name: "n", cpu: 7, memoryGiB: 7 });
  const pod = podRequest({ cpu: 2, memoryGiB: 3 });

  it("least allocated averages cpu and memory", () => {
    // cpu (7000−2000)·100/7000 = 71; memory (7−3)·100/7 = 57; (71 + 57) / 2 = 64.
    expect(leastAllocatedScore(pod, node)).toBe(64);
  });

  it("balanced allocation is 100 · (1 − |fcpu − fmem| / 2)", () => {
    // fractions 2/7 = 0.2857 and 3/7 = 0.4286: std 0.0714, 100 · 0.9286 = 92.9 → 92.
    expect(balancedAllocationScore(pod, node)).toBe(92);
    expect(balancedAllocationScore(podRequest({ cpu: 0, memoryGiB: 0 }), node)).toBe(0); // best-effort: skipped
  });

  it("sums the two (0..200, carried as sum / 20) and spreads: the emptier node wins", () => {
    const busy = nodeState({ name: "a-busy", cpu: 64, memoryGiB: 256, requestedCpu: 32, requestedMemoryGiB: 128 });
    const idle = nodeState({ name: "b-idle", cpu: 64, memoryGiB: 256 });
    const p = podRequest({ cpu: 16, memoryGiB: 64 });
    const ctx = contextFor(kubeDefaultPolicy());
    const d = decide(p, [busy, idle], ctx);
    // busy: least (16000·100/64000 = 25, 64·100/256 = 25) = 25, balanced 100 → 125 → 6.25.
    // idle: least (75, 75) = 75, balanced 100 → 175 → 8.75.
    expect(d.nodes.map((n) => n.rawScore)).toEqual([6.25, 8.75]);
    expect(d.winner).toBe("b-idle");
  });

  it("equal kube totals tie (then the smaller name wins), whatever the split between the two plugins", () => {
    const q = podRequest({ cpu: 2, memoryGiB: 2 });
    // x: fractions 4/8 and 4/8 → least (50, 50) = 50, balanced 100: 150.
    const x = nodeState({ name: "b-x", cpu: 8, memoryGiB: 8, requestedCpu: 2, requestedMemoryGiB: 2 });
    // y: fractions 4/8 and 2/10 → least (50, 80) = 65, balanced 100 · (1 − 0.15) = 85: 150.
    const y = nodeState({ name: "a-y", cpu: 8, memoryGiB: 10, requestedCpu: 2 });
    expect([leastAllocatedScore(q, x), balancedAllocationScore(q, x)]).toEqual([50, 100]);
    expect([leastAllocatedScore(q, y), balancedAllocationScore(q, y)]).toEqual([65, 85]);
    const ctx = contextFor(kubeDefaultPolicy());
    expect(pickNode(q, [x, y], ctx)?.node.view.name).toBe("a-y");
    const renamed = nodeState({ name: "0-x", cpu: 8, memoryGiB: 8, requestedCpu: 2, requestedMemoryGiB: 2 });
    expect(pickNode(q, [y, renamed], ctx)?.node.view.name).toBe("0-x");
  });
});

describe("binpack: MostAllocated over cpu, memory and GPUs", () => {
  it("counts the GPU dimension for GPU pods only", () => {
    // 64 cores, 256 GiB, 8 GPUs of which 2.5 are held; 32 cores and 128 GiB requested.
    const node = nodeState({
      name: "n",
      requestedCpu: 32,
      requestedMemoryGiB: 128,
      gpus: [
        gpu(A100, { occupants: [{ milli: 1000 }] }),
        gpu(A100, { occupants: [{ milli: 1000 }] }),
        gpu(A100, { occupants: [{ milli: 500 }] }),
        ...Array.from({ length: 5 }, () => gpu(A100)),
      ],
    });
    // cpu (32 + 8)·100/64 = 62; memory (128 + 32)·100/256 = 62; GPU (2.5 + 1)·100/8 = 43; mean 167/3 → 55.
    expect(mostAllocatedScore(podRequest({ cpu: 8, memoryGiB: 32, gpuCount: 1 }), node)).toBe(55);
    // A CPU-only pod: (62 + 62) / 2.
    expect(mostAllocatedScore(podRequest({ cpu: 8, memoryGiB: 32 }), node)).toBe(62);
  });

  it("prefers the fuller node", () => {
    const full = nodeState({ name: "z-full", requestedCpu: 48, requestedMemoryGiB: 192 });
    const empty = nodeState({ name: "a-empty" });
    expect(
      pickNode(podRequest({ cpu: 4, memoryGiB: 4 }), [empty, full], contextFor(binpackPolicy()))?.node.view.name,
    ).toBe("z-full");
  });
});
