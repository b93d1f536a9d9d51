import { describe, expect, it } from "vitest";
import type { IntSource } from "../../../sim/random.js";
import { ArrivalBuckets } from "../../../sim/workloads/arrival-buckets.js";
import {
  fgdArrivals,
  fgdNodeTieOrder,
  gpuCapacityMilli,
  tuneArrivals,
  typicalPods,
} from "../../../sim/workloads/fgd-protocol.js";
import { type OpenbNode, type OpenbPod, podGpuMilli } from "../../../sim/workloads/openb.js";
import { TierfitError } from "../../../src/errors.js";

function pod(name: string, gpuCount: number, gpuMilli: number, extra: Partial<OpenbPod> = {}): OpenbPod {
  return {
    name,
    milliCpu: 4000,
    memoryMiB: 8192,
    gpuCount,
    gpuMilli,
    gpuSpec: [],
    qos: "LS",
    phase: "Running",
    creationTime: 0,
    deletionTime: null,
    scheduledTime: 0,
    ...extra,
  };
}

function node(name: string, gpus: number): OpenbNode {
  return { name, milliCpu: 96000, memoryMiB: 393216, gpus, model: gpus > 0 ? "T4" : "" };
}

/** Hands out the given draws in order and fails on anything else, so a test fixes every pick. */
function scripted(draws: number[]): IntSource & { left: () => number } {
  const queue = [...draws];
  return {
    int(n: number) {
      const next = queue.shift();
      if (next === undefined || next >= n) throw new Error(`unscripted draw int(${n})`);
      return next;
    },
    left: () => queue.length,
  };
}

const total = (pods: readonly OpenbPod[]) => pods.reduce((sum, p) => sum + podGpuMilli(p), 0);

describe("tuneArrivals (the artifact's 130 % loop)", () => {
  it("appends clones until the next would pass the target, comparing per-GPU milli but adding total milli", () => {
    // Capacity 8 GPUs = 8,000 milli; target 1.3 × 8,000 = 10,400.
    // Originals (by name): a = 1 × 500, b = CPU-only, c = 4 × 1000. Arrived total 500 + 0 + 4,000 = 4,500.
    // draw 2 (c): 4,500 + 1,000 (per-GPU) = 5,500 ≤ 10,400 → append c-tuned-0, total += 4,000 → 8,500
    // draw 0 (a): 8,500 +   500          = 9,000 ≤ 10,400 → append a-tuned-1, total +=   500 → 9,000
    // draw 2 (c): 9,000 + 1,000          = 10,000 ≤ 10,400 → append c-tuned-2, total += 4,000 → 13,000
    //   (the quirk: 2,600 past the target, because the test looked at 1,000 and not 4,000)
    // draw 1 (b): 13,000 + 0 = 13,000 > 10,400 → stop. Four draws, three clones.
    const a = pod("a", 1, 500);
    const b = pod("b", 0, 0);
    const c = pod("c", 4, 1000);
    const rng = scripted([2, 0, 2, 1]);
    const out = tuneArrivals([c, a, b], [a, b, c], 8000, 1.3, rng);
    expect(out.map((p) => p.name)).toEqual(["c", "a", "b", "c-tuned-0", "a-tuned-1", "c-tuned-2"]);
    expect(total(out)).toBe(13_000);
    expect(rng.left()).toBe(0);
    expect(out[3]).toEqual({ ...c, name: "c-tuned-0" });
  });

  it("accepts a clone that lands exactly on the target", () => {
    // Capacity 1,000, inflation 1 → target 1,000. Arrived: x = 1 × 500.
    // draw 0: 500 + 500 = 1,000, not > 1,000 → append x-tuned-0 (total 1,000); draw 0: 1,500 > 1,000 → stop.
    const x = pod("x", 1, 500);
    const rng = scripted([0, 0]);
    expect(tuneArrivals([x], [x], 1000, 1, rng).map((p) => p.name)).toEqual(["x", "x-tuned-0"]);
    expect(rng.left()).toBe(0);
  });

  it("removes uniformly drawn pods while the total is above the target", () => {
    // Target 1 × 1,000. Arrived [x 800, y 600, z 300] = 1,700.
    // draw 1 removes y → 1,100 > 1,000; draw 0 removes x (now first) → 300 ≤ 1,000 → stop.
    const list = [pod("x", 1, 800), pod("y", 1, 600), pod("z", 1, 300)];
    const rng = scripted([1, 0]);
    expect(tuneArrivals(list, list, 1000, 1, rng).map((p) => p.name)).toEqual(["z"]);
    expect(rng.left()).toBe(0);
  });

  it("leaves the list alone for inflation ≤ 0 and refuses targets it cannot reach", () => {
    const list = [pod("x", 1, 800)];
    expect(tuneArrivals(list, list, 1000, 0, scripted([]))).toEqual(list);
    const cpuOnly = [pod("cpu", 0, 0)];
    expect(() => tuneArrivals(cpuOnly, cpuOnly, 1000, 1.3, scripted([]))).toThrow(TierfitError);
    expect(() => tuneArrivals(list, list, 0, 1.3, scripted([]))).toThrow(/no GPUs/);
  });
});

describe("fgdArrivals", () => {
  const originals = Array.from({ length: 40 }, (_, i) =>
    pod(`p-${String(39 - i).padStart(2, "0")}`, i % 5 === 0 ? 2 : 1, i % 5 === 0 ? 1000 : 100 + 5 * i),
  );
  // 20 GPUs; the originals ask for 8 × 2,000 + Σ(100 + 5i) over the other 32 = 16,000 + 6,400 = 22,400 milli.
  const nodes = [node("n-1", 8), node("n-2", 8), node("n-3", 4), node("n-cpu", 0)];

  it("is the original pods in a seeded random order, then distinctly named clones up to the target", () => {
    const out = fgdArrivals(originals, nodes, 42);
    const head = out.slice(0, originals.length);
    expect(head.map((p) => p.name).sort()).toEqual(originals.map((p) => p.name).sort());
    expect(head.map((p) => p.name)).not.toEqual([...originals].map((p) => p.name).sort());
    const clones = out.slice(originals.length);
    expect(clones.length).toBeGreaterThan(0);
    clones.forEach((c, i) => {
      expect(c.name).toMatch(new RegExp(`^p-\\d\\d-tuned-${i}$`));
    });
    expect(new Set(out.map((p) => p.name)).size).toBe(out.length);
    // 20 GPUs × 1.3 = 26,000 milli; at most one 2-GPU clone's second GPU (1,000) past it, and
    // it stops only when a pod's per-GPU share (≤ 1,000) no longer fits under it.
    expect(gpuCapacityMilli(nodes)).toBe(20_000);
    expect(total(out)).toBeLessThanOrEqual(26_000 + 1000);
    expect(total(out)).toBeGreaterThan(26_000 - 1000);
  });

  it("depends only on the seed, not on the order the pods were given in", () => {
    const first = fgdArrivals(originals, nodes, 42).map((p) => p.name);
    expect(fgdArrivals([...originals].reverse(), nodes, 42).map((p) => p.name)).toEqual(first);
    expect(fgdArrivals(originals, nodes, 43).map((p) => p.name)).not.toEqual(first);
  });
});

describe("fgdNodeTieOrder", () => {
  it("is a seeded permutation of the nodes", () => {
    const nodes = Array.from({ length: 30 }, (_, i) => node(`node-${String(i).padStart(2, "0")}`, 2));
    const order = fgdNodeTieOrder(nodes, 42).map((n) => n.name);
    expect([...order].sort()).toEqual(nodes.map((n) => n.name));
    expect(order).not.toEqual(nodes.map((n) => n.name));
    expect(fgdNodeTieOrder([...nodes].reverse(), 42).map((n) => n.name)).toEqual(order);
    expect(fgdNodeTieOrder(nodes, 43).map((n) => n.name)).not.toEqual(order);
  });
});

describe("typicalPods", () => {
  // 20 pods in five shapes (memory is not part of a shape):
  //   A  4 cores, 1 × 500        8 pods (two memory sizes)
  //   B  8 cores, 1 × 1000       5 pods
  //   C  2 cores, CPU-only       3 pods
  //   D 16 cores, 2 × 1000       3 pods   (ties with C; the larger shape, D, comes first)
  //   E  4 cores, 1 × 500, T4    1 pod    (A with a model constraint: a shape of its own)
  const list: OpenbPod[] = [
    ...Array.from({ length: 5 }, (_, i) => pod(`a${i}`, 1, 500, { milliCpu: 4000 })),
    ...Array.from({ length: 3 }, (_, i) => pod(`a-big${i}`, 1, 500, { milliCpu: 4000, memoryMiB: 65536 })),
    ...Array.from({ length: 5 }, (_, i) => pod(`b${i}`, 1, 1000, { milliCpu: 8000 })),
    ...Array.from({ length: 3 }, (_, i) => pod(`c${i}`, 0, 0, { milliCpu: 2000 })),
    ...Array.from({ length: 3 }, (_, i) => pod(`d${i}`, 2, 1000, { milliCpu: 16000 })),
    pod("e0", 1, 500, { milliCpu: 4000, gpuSpec: ["T4"] }),
  ];

  it("takes the most frequent shapes until 95 % of pods are covered and renormalises their weights", () => {
    // 95 % of 20 = 19 pods. Running count: A 8, B 13, D 16, C 19 → 19 is not < 19, stop: four shapes.
    // Weights are count / 19: A 8/19, B 5/19, D 3/19, C 3/19; E (1 pod) is left out.
    const typical = typicalPods(list);
    expect(typical.map(({ weight: _w, ...shape }) => shape)).toEqual([
      { milliCpu: 4000, gpuMilli: 500, gpuCount: 1, model: "" },
      { milliCpu: 8000, gpuMilli: 1000, gpuCount: 1, model: "" },
      { milliCpu: 16000, gpuMilli: 1000, gpuCount: 2, model: "" },
      { milliCpu: 2000, gpuMilli: 0, gpuCount: 0, model: "" },
    ]);
    const weights = typical.map((t) => t.weight);
    [8 / 19, 5 / 19, 3 / 19, 3 / 19].forEach((w, i) => {
      expect(weights[i]).toBeCloseTo(w, 12);
    });
  });

  it("keeps every shape, weighted by plain frequency, when the coverage needs them all", () => {
    const typical = typicalPods(list, 100);
    expect(typical.map((t) => [t.model, t.weight])).toEqual([
      ["", 8 / 20],
      ["", 5 / 20],
      ["", 3 / 20],
      ["", 3 / 20],
      ["T4", 1 / 20],
    ]);
    expect(typicalPods([])).toEqual([]);
  });
});

describe("ArrivalBuckets", () => {
  it("averages the allocation ratio of the events in each integer arrival percentage", () => {
    // Capacity 10,000 milli: 1 % = 100 milli.
    const buckets = new ArrivalBuckets(10_000);
    buckets.record(40, 40); //    0.4 % → bucket 0, ratio 0.004
    buckets.record(150, 150); //  1.5 % → bucket 2 (round half up), ratio 0.015
    buckets.record(249, 100); //  2.49 % → bucket 2, ratio 0.010
    buckets.record(510, 300); //  5.1 % → bucket 5, ratio 0.030
    const means = buckets.means(7);
    expect(means.length).toBe(7);
    expect(means[0]).toBeCloseTo(0.004, 12);
    expect(means[1]).toBeNull();
    expect(means[2]).toBeCloseTo(0.0125, 12);
    expect(means[5]).toBeCloseTo(0.03, 12);
    expect(means[6]).toBeNull();
  });
});
