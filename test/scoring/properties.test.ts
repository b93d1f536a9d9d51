/**
 * Property tests over random clusters (seeded, so a failure replays): pods placed one after
 * another with decide → allocationFor → ledger.assign, some released again, and after every
 * step the invariants the scheduler promises are checked against the ledger's own state.
 */
import { describe, expect, it } from "vitest";
import { AllocationLedger } from "../../src/cluster/ledger.js";
import type { NodeState, PodRequest } from "../../src/cluster/types.js";
import { makeContext, withClusterCpuPerGpu } from "../../src/scoring/context.js";
import { PlacementMemo } from "../../src/scoring/placement-memo.js";
import { allocationFor, decide, pickNode } from "../../src/scoring/runner.js";
import { sameTenant } from "../../src/scoring/tenancy.js";
import type { ScoringContext } from "../../src/scoring/types.js";
import { gpu, nodeState, podRequest, testConfig } from "../support/core-builders.js";
import { mulberry32 } from "../support/prng.js";

const prng = mulberry32;

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)];
}

const PRODUCTS = [
  { product: "T4", memoryMiB: 15360 },
  { product: "NVIDIA-A10", memoryMiB: 23028 },
  { product: "NVIDIA-A100-SXM4-80GB", memoryMiB: 81920 },
];
const TENANTS = ["a", "b", "c", ""];

function randomCluster(rand: () => number, size: number): NodeState[] {
  return Array.from({ length: size }, (_, i) => {
    const { product, memoryMiB } = pick(rand, PRODUCTS);
    const count = pick(rand, [0, 1, 2, 4, 8]);
    return nodeState({
      name: `node-${String(i).padStart(3, "0")}`,
      tier: Math.floor(rand() * 3),
      cpu: pick(rand, [16, 32, 64, 96]),
      memoryGiB: pick(rand, [64, 256, 512]),
      pods: pick(rand, [8, 110]),
      gpus: Array.from({ length: count }, () => gpu(memoryMiB, { product })),
    });
  });
}

function randomPod(rand: () => number, i: number): PodRequest {
  const gpuCount = pick(rand, [0, 1, 1, 1, 1, 2, 4, 8]);
  const share = rand() < 0.5;
  return podRequest({
    name: `pod-${i}`,
    namespace: pick(rand, ["ns1", "ns2"]),
    tenant: pick(rand, TENANTS),
    tier: Math.floor(rand() * 3),
    gpuCount,
    ...(share
      ? { gpuMilli: pick(rand, [250, 320, 470, 500, 810, 1000]) }
      : { gpuMiB: pick(rand, [4096, 10240, 20480, 40960]) }),
    cpu: pick(rand, [0, 0.5, 1, 4, 8, 16]),
    memoryGiB: pick(rand, [0, 1, 8, 32]),
    workloadClass: pick(rand, ["default", "latency-sensitive"]),
    gpuProducts: rand() < 0.1 ? ["T4"] : [],
  });
}

/** Every device within capacity, and no device shared across tenants below a sharing tier. */
function deviceViolations(ledger: AllocationLedger, ctx: ScoringContext, out: string[]): void {
  const tiers = ctx.config.tiers;
  for (const node of ledger.nodes()) {
    for (const device of node.devices) {
      const used = device.occupants.reduce((sum, o) => sum + o.units, 0);
      if (used > device.capacityUnits) out.push(`${node.view.name}/${device.index}: ${used} > ${device.capacityUnits}`);
      for (const x of device.occupants) {
        for (const y of device.occupants) {
          const xTenant = x.tenant || x.podKey.split("/")[0];
          const yTenant = y.tenant || y.podKey.split("/")[0];
          if (xTenant === yTenant) continue;
          if (!tiers[x.sharingTier].shareDevicesAcrossTenants || !tiers[y.sharingTier].shareDevicesAcrossTenants) {
            out.push(`${node.view.name}/${device.index}: ${x.podKey} and ${y.podKey} share across tenants`);
          }
        }
      }
    }
  }
}

interface Step {
  pod: string;
  winner: string | null;
  scores: number[];
}

/**
 * One seeded scenario; returns the decisions so two runs can be compared. Violations are
 * collected as text (one expect at the end keeps hundreds of scenarios fast).
 */
function scenario(
  seed: number,
  violations: string[] | null,
  stats = { sharedDevices: 0, crossTenant: 0, memoHits: 0, learnt: 0 },
  combine: "ranked" | "weighted" = "ranked",
): Step[] {
  const rand = prng(seed);
  // The default class packs with the default `fill`; its typical pods' CPU is learnt from the
  // ledger before every pod, as the extender and the simulator do.
  const config = testConfig({
    workloadClasses: { default: { gpuPacking: "fill" }, "latency-sensitive": { gpuPacking: "spread" } },
    scoring: { combine },
  });
  const configured = makeContext(config);
  const ledger = new AllocationLedger();
  for (const node of randomCluster(rand, 8 + Math.floor(rand() * 24))) ledger.upsertNode(node.view);
  const placed: string[] = [];
  const steps: Step[] = [];
  const v = violations ?? [];
  const memo = new PlacementMemo();
  // Following the ledger's change feed instead of comparing every entry; nodes joining mid-run
  // give the ledger a new array, which the feed must not hide.
  const fed = new PlacementMemo(ledger);
  for (let i = 0; i < 60; i++) {
    if (rand() < 0.05) {
      for (const node of randomCluster(rand, 1)) ledger.upsertNode({ ...node.view, name: `late-${i}` });
    }
    if (placed.length > 0 && rand() < 0.2) {
      const key = placed.splice(Math.floor(rand() * placed.length), 1)[0];
      if (ledger.release(key) === undefined) v.push(`seed ${seed}: ${key} was not held`);
    }
    const pod = randomPod(rand, i);
    const nodes = ledger.nodes();
    const ctx = withClusterCpuPerGpu(configured, ledger.cpuPerGpu());
    if (ctx !== configured) stats.learnt++;
    const d = decide(pod, nodes, ctx);
    steps.push({ pod: pod.key, winner: d.winner, scores: d.nodes.map((n) => n.score) });
    const where = `seed ${seed} ${pod.key}`;
    if (violations) {
      d.nodes.forEach((n, j) => {
        if (!(Number.isInteger(n.score) && n.score >= 0 && n.score <= 10)) v.push(`${where}: score ${n.score}`);
        if (!n.passed && !n.rejection?.reason) v.push(`${where}: ${n.name} failed without a reason`);
        // Never a weaker tier than the pod needs.
        if (n.passed && nodes[j].view.tier < pod.tier) v.push(`${where}: passed weaker ${n.name}`);
        // Never more CPU, memory or pods than the node has left.
        const a = nodes[j].view.allocatable;
        const r = nodes[j].requested;
        const p = pod.resources;
        if (
          n.passed &&
          (r.milliCpu + p.milliCpu > a.milliCpu || r.memoryBytes + p.memoryBytes > a.memoryBytes || r.pods + 1 > a.pods)
        )
          v.push(`${where}: passed ${n.name} without the CPU, memory or pod room`);
      });
      const picked = pickNode(pod, nodes, ctx)?.node.view.name ?? null;
      if (picked !== d.winner) v.push(`${where}: pickNode ${picked} ≠ decide ${d.winner}`);
      // The memo carries answers across pods; reused or not, the winner must be the same.
      const memoPicked = pickNode(pod, nodes, ctx, memo)?.node.view.name ?? null;
      if (memoPicked !== d.winner) v.push(`${where}: memoised pickNode ${memoPicked} ≠ decide ${d.winner}`);
      const fedPicked = pickNode(pod, nodes, ctx, fed)?.node.view.name ?? null;
      if (fedPicked !== d.winner) v.push(`${where}: feed-following pickNode ${fedPicked} ≠ decide ${d.winner}`);
    }
    if (d.winner === null) continue;
    const node = ledger.node(d.winner) as NodeState;
    const alloc = allocationFor(pod, node, ctx);
    if ("reason" in alloc) {
      v.push(`${where}: winner ${d.winner} rejected at bind: ${alloc.reason}`);
      continue;
    }
    if (alloc.devices.length !== pod.gpuCount) v.push(`${where}: ${alloc.devices.length} devices`);
    for (const a of alloc.devices) {
      const occupants = node.devices[a.index].occupants;
      if (occupants.length > 0) stats.sharedDevices++;
      for (const o of occupants) {
        if (sameTenant(pod, o)) continue;
        stats.crossTenant++;
        const tiers = ctx.config.tiers;
        if (!(tiers[pod.sharingTier].shareDevicesAcrossTenants && tiers[o.sharingTier].shareDevicesAcrossTenants)) {
          v.push(`${where}: placed beside ${o.podKey} of another tenant`);
        }
      }
    }
    // The ledger refuses anything that would drive a device past capacity.
    const refused = ledger.assign(alloc);
    if (refused !== null) v.push(`${where}: ledger refused: ${refused.reason}`);
    else placed.push(pod.key);
    if (violations) deviceViolations(ledger, ctx, v);
  }
  stats.memoHits += memo.hits;
  return steps;
}

describe("scoring properties over random clusters", () => {
  // The ranked combination (the default) and the weighted mean: however the scores combine, the
  // hard rules (tier, tenant, per-device memory, CPU/memory/pod fit) stay filters.
  it.each(["ranked", "weighted"] as const)(
    "%s: 300 random clusters × 60 pods: tiers, tenancy, capacity and score range hold",
    (combine) => {
      let placedSomewhere = 0;
      let rejectedSomewhere = 0;
      const violations: string[] = [];
      const stats = { sharedDevices: 0, crossTenant: 0, memoHits: 0, learnt: 0 };
      for (let seed = 1; seed <= 300; seed++) {
        const steps = scenario(seed, violations, stats, combine);
        placedSomewhere += steps.filter((s) => s.winner !== null).length;
        rejectedSomewhere += steps.filter((s) => s.winner === null).length;
      }
      expect(violations).toEqual([]);
      // The scenarios exercise both outcomes, so the checks above were not vacuous.
      expect(placedSomewhere).toBeGreaterThan(10000);
      expect(rejectedSomewhere).toBeGreaterThan(1000);
      expect(stats.sharedDevices).toBeGreaterThan(2000);
      expect(stats.crossTenant).toBeGreaterThan(500); // hypervisor pods sharing across tenants
      expect(stats.memoHits).toBeGreaterThan(0);
      expect(stats.learnt).toBeGreaterThan(10000); // pods judged with a learnt CPU per GPU
    },
  );

  it("the placement memo never changes a winner, over runs where pod shapes repeat", () => {
    const mismatches: string[] = [];
    let hits = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const rand = prng(seed);
      const ctx = makeContext(testConfig());
      const ledger = new AllocationLedger();
      for (const node of randomCluster(rand, 30)) ledger.upsertNode(node.view);
      const templates = Array.from({ length: 5 }, (_, i) => randomPod(rand, i));
      const memo = new PlacementMemo();
      for (let i = 0; i < 150; i++) {
        const pod = { ...pick(rand, templates), key: `ns/pod-${i}`, name: `pod-${i}` };
        const nodes = ledger.nodes();
        const plain = pickNode(pod, nodes, ctx);
        const memoised = pickNode(pod, nodes, ctx, memo);
        if (plain?.node !== memoised?.node || plain?.rawScore !== memoised?.rawScore) {
          mismatches.push(`seed ${seed} ${pod.key}: ${plain?.node.view.name} ≠ ${memoised?.node.view.name}`);
        }
        if (plain === null) continue;
        const alloc = allocationFor(pod, plain.node, ctx);
        if (!("reason" in alloc)) ledger.assign(alloc);
      }
      hits += memo.hits;
    }
    expect(mismatches).toEqual([]);
    expect(hits).toBeGreaterThan(50_000);
  });

  it("is deterministic: the same seed gives the same decisions and scores", () => {
    for (const seed of [7, 42, 1234]) expect(scenario(seed, null)).toEqual(scenario(seed, null));
  });
});
