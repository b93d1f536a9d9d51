import { describe, expect, it } from "vitest";
import { makeContext } from "../../src/scoring/context.js";
import type { ScoringPolicy } from "../../src/scoring/policy.js";
import { tierfitPolicy, weightedCombine, weightedCombineAt } from "../../src/scoring/policy.js";
import { rankedCombine } from "../../src/scoring/ranked.js";
import { allocationFor, decide, filterNodes, pickNode, prioritizeNodes } from "../../src/scoring/runner.js";
import type { Signal } from "../../src/scoring/types.js";
import { gpu, nodeState, podRequest, testConfig } from "../support/core-builders.js";
import { mulberry32 } from "../support/prng.js";

const A100 = 81920;
const config = testConfig();
const ctx = makeContext(config);

/** Three GPU nodes and one CPU node; the pod wants 40 GiB on one GPU at tier 0. */
const nodes = [
  nodeState({ name: "strong", tier: 2, gpus: [gpu(A100)] }),
  nodeState({ name: "half-full", gpus: [gpu(A100, { occupants: [{ milli: 500, tenant: "default" }] })] }),
  nodeState({ name: "empty", gpus: [gpu(A100)] }),
  nodeState({ name: "cpu-only" }),
];
const pod = podRequest({ gpuCount: 1, gpuMiB: 40 * 1024, tenant: "default" });

describe("decide", () => {
  const d = decide(pod, nodes, ctx);

  it("keeps input order, gives failed nodes their reason and score 0", () => {
    expect(d.nodes.map((n) => n.name)).toEqual(["strong", "half-full", "empty", "cpu-only"]);
    expect(d.nodes[3]).toEqual({
      name: "cpu-only",
      passed: false,
      rejection: { signal: "gpuMemory", reason: "node has no GPUs; pod needs 1", unresolvable: true },
      signals: {},
      rawScore: 0,
      score: 0,
    });
  });

  it("picks the node binpacking and tiers prefer, with every signal's score shown", () => {
    expect(d.winner).toBe("half-full");
    const w = d.nodes[1];
    // 40 of 80 GiB free, and the pod fills it. With the default typical pods (device shares 1000,
    // 500, 250 weighted 10 : 3 : 2) the expected waste of 500 free is
    // W(500) = (0.05·500 + 0.2·W(0) + 2/15·W(250)) / (0.05 + 0.2 + 2/15), W(250) = 12.5 / (0.05 + 2/15);
    // filling it lowers that to 0: the fill score is 5 + W(500) / 200 = 5.44.
    const w250 = 12.5 / (0.05 + 2 / 15);
    const w500 = (25 + (2 / 15) * w250) / (0.05 + 0.2 + 2 / 15);
    expect(w.signals.gpuMemory).toBeCloseTo(5 + w500 / 200, 9);
    expect(w.signals.isolationTier).toBe(10);
    expect(w.signals.liveDemand).toBe(5); // no telemetry: neutral
    expect(w.signals.consolidation).toBe(10); // its GPU is already in use: wakes none
    expect(d.nodes[2].signals.consolidation).toBe(9); // the empty node wakes its one GPU
    expect(Object.keys(w.signals).sort()).toEqual(
      [
        "consolidation",
        "fragmentation",
        "gpuMemory",
        "isolationTier",
        "liveDemand",
        "resourcesFit",
        "stranding",
      ].sort(),
    );
    const expected = rankedCombine(config.scoring.ranked)(w.signals as Record<string, number>);
    expect(w.rawScore).toBe(expected);
    expect(w.score).toBe(Math.round(expected));
    // The hypervisor node costs isolation: it ranks below the equally empty shared-kernel one.
    expect(d.nodes[0].signals.isolationTier).toBe(0);
    expect(d.nodes[0].rawScore).toBeLessThan(d.nodes[2].rawScore);
  });

  it("all scores are integers 0..10", () => {
    for (const n of d.nodes) {
      expect(Number.isInteger(n.score)).toBe(true);
      expect(n.score).toBeGreaterThanOrEqual(0);
      expect(n.score).toBeLessThanOrEqual(10);
    }
  });

  it("breaks ties by name ascending whatever the input order", () => {
    const twins = [nodeState({ name: "b", gpus: [gpu(A100)] }), nodeState({ name: "a", gpus: [gpu(A100)] })];
    expect(decide(pod, twins, ctx).winner).toBe("a");
    expect(decide(pod, [...twins].reverse(), ctx).winner).toBe("a");
    expect(pickNode(pod, twins, ctx)?.node.view.name).toBe("a");
  });

  it("breaks equal integer scores by the raw score before the name", () => {
    // Under the weighted mean, "b" has slightly more CPU free: same integer score, higher raw score.
    const weighted = makeContext(testConfig({ scoring: { combine: "weighted" } }));
    const twins = [
      nodeState({ name: "a", gpus: [gpu(A100)], requestedCpu: 1 }),
      nodeState({ name: "b", gpus: [gpu(A100)] }),
    ];
    const r = decide(pod, twins, weighted);
    expect(r.nodes[0].score).toBe(r.nodes[1].score);
    expect(r.nodes[1].rawScore).toBeGreaterThan(r.nodes[0].rawScore);
    expect(r.winner).toBe("b");
    expect(pickNode(pod, twins, weighted)?.node.view.name).toBe("b");
  });

  it("ranked: a lower level breaks a tie the integer score cannot show", () => {
    // Both GPUs already hold the tenant's pods (consolidation ties at 10). On "b" the pod fills
    // its GPU; on "a" it leaves a quarter free, which a typical 250 pod still fits, so the
    // expected waste drops more there: W(250) − W(750) = −96.1 against W(0) − W(500) = −88.9
    // (gpuMemory 5.48 against 5.44, different bands of 0.05).
    const twins = [
      nodeState({ name: "a", gpus: [gpu(A100, { occupants: [{ milli: 250, tenant: "default" }] })] }),
      nodeState({ name: "b", gpus: [gpu(A100, { occupants: [{ milli: 500, tenant: "default" }] })] }),
    ];
    const r = decide(pod, twins, ctx);
    expect(r.nodes[0].score).toBe(r.nodes[1].score);
    expect(r.nodes[0].signals.gpuMemory).toBeCloseTo(5.48, 2);
    expect(r.nodes[1].signals.gpuMemory).toBeCloseTo(5.44, 2);
    expect(r.nodes[0].rawScore).toBeGreaterThan(r.nodes[1].rawScore);
    expect(r.winner).toBe("a");
    expect(pickNode(pod, twins, ctx)?.node.view.name).toBe("a");
  });

  it("has no winner when no node passes", () => {
    expect(decide(podRequest({ gpuCount: 16 }), nodes, ctx).winner).toBeNull();
    expect(pickNode(podRequest({ gpuCount: 16 }), nodes, ctx)).toBeNull();
    expect(decide(pod, [], ctx)).toEqual({ winner: null, nodes: [] });
  });
});

describe("filterNodes, prioritizeNodes, pickNode, allocationFor", () => {
  it("filterNodes splits passed from failed with reasons", () => {
    const r = filterNodes(pod, nodes, ctx);
    expect(r.passed.map((n) => n.view.name)).toEqual(["strong", "half-full", "empty"]);
    expect(r.failed).toEqual([
      {
        node: "cpu-only",
        rejection: { signal: "gpuMemory", reason: "node has no GPUs; pod needs 1", unresolvable: true },
      },
    ]);
  });

  it("prioritizeNodes gives the same integer scores as decide, in input order", () => {
    const d = decide(pod, nodes, ctx);
    expect(prioritizeNodes(pod, nodes, ctx)).toEqual(d.nodes.map((n) => ({ node: n.name, score: n.score })));
  });

  it("pickNode agrees with decide", () => {
    const p = pickNode(pod, nodes, ctx);
    const d = decide(pod, nodes, ctx);
    expect(p?.node.view.name).toBe(d.winner);
    expect(p?.rawScore).toBe(d.nodes.find((n) => n.name === d.winner)?.rawScore);
  });

  it("allocationFor records the devices, tenant and requests; or the node's rejection", () => {
    expect(allocationFor(pod, nodes[1], ctx)).toEqual({
      podKey: "default/pod",
      node: "half-full",
      tenant: "default",
      sharingTier: 0,
      model: null,
      milliCpu: 1000,
      memoryBytes: 1024 ** 3,
      devices: [{ index: 0, units: 40 * 1024 * 1000 }],
    });
    expect(allocationFor(podRequest({ tier: 2 }), nodes[2], ctx)).toMatchObject({
      signal: "isolationTier",
      unresolvable: true,
    });
    expect(allocationFor(podRequest({ namespace: "team-a" }), nodes[3], ctx)).toMatchObject({
      tenant: "team-a",
      devices: [],
    });
  });
});

describe("policies", () => {
  it("weightedCombine is the weighted mean; zero weights leave a signal out", () => {
    const combine = weightedCombine({ a: 3, b: 1, c: 0 });
    expect(combine({ a: 10, b: 2, c: 100 })).toBe(8);
    expect(weightedCombine({ a: 0 })({ a: 10 })).toBe(0);
  });

  it("weightedCombineAt reads by position and gives weightedCombine's float to the last bit", () => {
    const weights = { gpuMemory: 3, isolationTier: 2.5, liveDemand: 0.7, fragmentation: 0, resourcesFit: 1.3 };
    const order = ["resourcesFit", "liveDemand", "fragmentation", "isolationTier", "gpuMemory"];
    const byName = weightedCombine(weights);
    const byPosition = weightedCombineAt(weights, order);
    const next = mulberry32(9);
    for (let k = 0; k < 500; k++) {
      const values = Float64Array.from({ length: order.length + 2 }, () => 10 * next());
      const scores = Object.fromEntries(order.map((n, i) => [n, values[2 + i]]));
      expect(byPosition(values, 2)).toBe(byName(scores));
    }
  });

  it("an expression policy replaces the weights", () => {
    const c = makeContext(testConfig({ scoring: { expression: "isolationTier" } }));
    const d = decide(pod, nodes, c);
    expect(d.nodes.map((n) => n.rawScore)).toEqual([0, 10, 10, 0]);
    expect(d.winner).toBe("empty"); // tie at 10 between half-full and empty: name ascending
  });

  it("a NaN from an expression scores 0 and is counted, never thrown", () => {
    const c = makeContext(
      testConfig({ scoring: { expression: "(gpuMemory - gpuMemory) / (liveDemand - liveDemand)" } }),
    );
    const before = c.policy.counters?.nonFiniteScores ?? 0;
    const d = decide(pod, nodes, c);
    expect(d.nodes.map((n) => n.score)).toEqual([0, 0, 0, 0]);
    expect(c.policy.counters?.nonFiniteScores).toBe(before + 3);
  });

  it("tierfitPolicy throws on an expression config validation should have refused", () => {
    expect(() => tierfitPolicy(testConfig({ scoring: { expression: "import({}, {})" } }))).toThrow(
      /function import is not allowed/,
    );
  });

  it("max-normalised signals are divided by the best passing node's raw score", () => {
    const freeGpus: Signal<null> = {
      name: "freeGpus",
      normalize: "max",
      preScore: () => null,
      filter: () => null,
      score: (_p, node) => node.devices.filter((d) => d.freeUnits === d.capacityUnits).length,
    };
    const policy: ScoringPolicy = { name: "count", signals: [freeGpus], combine: (s) => s.freeGpus };
    const c = makeContext(config, { policy });
    const cluster = [
      nodeState({ name: "one", gpus: [gpu(A100)] }),
      nodeState({ name: "four", gpus: [gpu(A100), gpu(A100), gpu(A100), gpu(A100)] }),
      nodeState({ name: "none" }),
    ];
    expect(decide(pod, cluster, c).nodes.map((n) => n.rawScore)).toEqual([2.5, 10, 0]);
    expect(prioritizeNodes(pod, cluster, c).map((n) => n.score)).toEqual([3, 10, 0]);
    expect(pickNode(pod, cluster, c)?.node.view.name).toBe("four");
  });
});
