/**
 * The scoring core's speed where both drivers call it hottest, against a baseline measured in
 * the same run on the same nodes (a plain loop that only finds each node's largest free device),
 * so the ratio says what the full decision costs over the least work a GPU scheduler must do.
 *
 *  - extender: one pod scored against 5,000 realistic nodes (mixed products and tiers, devices
 *    partly allocated to several tenants): decide (reasons and per-signal scores for every node),
 *    prioritize, and the winner-only path;
 *  - simulator: an FGD-paper-sized replay, ~11,000 pods placed one by one on 1,213 nodes shaped
 *    like the openb cluster with an FGD policy (pickNode → allocationFor → ledger.assign).
 */
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { AllocationLedger } from "../src/cluster/ledger.js";
import type { Allocation, NodeState, NodeView, PodRequest } from "../src/cluster/types.js";
import { configSchema, type TierfitConfig } from "../src/config/schema.js";
import { makeContext } from "../src/scoring/context.js";
import { PlacementMemo } from "../src/scoring/placement-memo.js";
import { filterOnly, type ScoringPolicy } from "../src/scoring/policy.js";
import { allocationFor, decide, pickNode, prioritizeNodes } from "../src/scoring/runner.js";
import { fragmentation, gpuMemory, isolationTier, resourcesFit } from "../src/scoring/signals/index.js";
import type { TypicalPod } from "../src/scoring/types.js";

export interface BenchRow {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly note?: string;
}

const EXTENDER_NODES = 5_000;
const GiB = 1024 ** 3;

/** A small deterministic generator: the same cluster every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)];
}

const PRODUCTS = [
  { product: "NVIDIA-H100-80GB-HBM3", memoryMiB: 81559, counts: [8] },
  { product: "NVIDIA-A100-SXM4-80GB", memoryMiB: 81920, counts: [4, 8] },
  { product: "NVIDIA-A10", memoryMiB: 23028, counts: [1, 2, 4] },
  { product: "NVIDIA-L4", memoryMiB: 23034, counts: [1, 2, 4, 8] },
  { product: "Tesla-T4", memoryMiB: 15360, counts: [1, 2, 4] },
];

function view(name: string, tier: number, product: string, memoryMiB: number, gpus: number, cores: number): NodeView {
  return {
    name,
    labels: { "nvidia.com/gpu.product": product, "nvidia.com/gpu.memory": String(memoryMiB) },
    allocatable: { milliCpu: cores * 1000, memoryBytes: cores * 8 * GiB, pods: 110 },
    gpus: Array.from({ length: gpus }, (_, index) => ({ index, product, memoryMiB })),
    tier,
    tierSource: "label tierfit.io/isolation-tier",
    unschedulable: false,
  };
}

/** 5,000 nodes, about half with devices partly or wholly held by pods of several tenants. */
function extenderCluster(rand: () => number): NodeState[] {
  const ledger = new AllocationLedger();
  for (let i = 0; i < EXTENDER_NODES; i++) {
    const p = pick(rand, PRODUCTS);
    const r = rand();
    const tier = r < 0.6 ? 0 : r < 0.85 ? 1 : 2;
    const name = `gpu-node-${String(i).padStart(5, "0")}`;
    const v = view(name, tier, p.product, p.memoryMiB, pick(rand, p.counts), pick(rand, [32, 64, 96, 128]));
    ledger.upsertNode(v);
    if (rand() < 0.5) continue;
    v.gpus.forEach((g, index) => {
      if (rand() < 0.4) return;
      const milli = pick(rand, [250, 500, 750, 1000]);
      const alloc: Allocation = {
        podKey: `t/${name}-${index}`,
        node: name,
        tenant: pick(rand, ["acme", "globex", "initech"]),
        sharingTier: tier,
        milliCpu: 4000,
        memoryBytes: 16 * GiB,
        devices: [{ index, units: milli * g.memoryMiB }],
      };
      ledger.assign(alloc);
    });
  }
  return [...ledger.nodes()];
}

function inferencePod(): PodRequest {
  return {
    key: "serving/llama-7b-0",
    namespace: "serving",
    name: "llama-7b-0",
    uid: "uid-0",
    gpuCount: 1,
    gpuMemory: { kind: "mib", mib: 20 * 1024 },
    resources: { milliCpu: 4000, memoryBytes: 32 * GiB, pods: 1 },
    tier: 0,
    tierSource: "runtimeClassName runc",
    sharingTier: 0,
    runtimeClassName: "runc",
    tenant: "acme",
    model: "llama-7b",
    workloadClass: "default",
    gpuProducts: [],
  };
}

/**
 * Mean ms per call of the fastest of several rounds (each at least `roundMs` long, after a
 * warm-up): on a shared machine the fastest round is the one least disturbed by other work.
 */
function timePerCall(fn: () => unknown, roundMs: number, rounds = 7): number {
  for (let i = 0; i < 5; i++) fn();
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    let calls = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < roundMs) {
      fn();
      calls++;
      elapsed = performance.now() - start;
    }
    best = Math.min(best, elapsed / calls);
  }
  return best;
}

/** The least a GPU scheduler must do per node: find the largest free device. */
function largestFreeBaseline(nodes: readonly NodeState[]): number {
  let best = 0;
  for (let i = 0; i < nodes.length; i++) {
    const devices = nodes[i].devices;
    let largest = 0;
    for (let j = 0; j < devices.length; j++) if (devices[j].freeUnits > largest) largest = devices[j].freeUnits;
    if (largest > best) best = largest;
  }
  return best;
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

function benchExtenderPath(config: TierfitConfig): BenchRow[] {
  const nodes = extenderCluster(lcg(11));
  const ctx = makeContext(config);
  const pod = inferencePod();
  const perNode = (ms: number) => round((ms * 1e6) / nodes.length);
  const decideMs = timePerCall(() => decide(pod, nodes, ctx), 250);
  const prioritizeMs = timePerCall(() => prioritizeNodes(pod, nodes, ctx), 150);
  const pickMs = timePerCall(() => pickNode(pod, nodes, ctx), 150);
  const baselineMs = timePerCall(() => largestFreeBaseline(nodes), 100);
  const passed = decide(pod, nodes, ctx).nodes.filter((n) => n.passed).length;
  const note = `1 pod (20 GiB on 1 GPU), ${nodes.length} nodes, ${passed} pass`;
  return [
    { name: "scoring: decide", value: perNode(decideMs), unit: "ns/node", note },
    { name: "scoring: decide", value: Math.round(1000 / decideMs), unit: "decisions/s", note: "over all 5,000 nodes" },
    { name: "scoring: prioritizeNodes", value: perNode(prioritizeMs), unit: "ns/node" },
    { name: "scoring: pickNode (winner only)", value: perNode(pickMs), unit: "ns/node" },
    { name: "scoring: baseline largest-free loop", value: perNode(baselineMs), unit: "ns/node", note: "same nodes" },
    { name: "scoring: ratio decide / baseline", value: round(decideMs / baselineMs), unit: "x" },
  ];
}

/** openb's GPU-node mix: 1,213 nodes, 6,212 GPUs (8 GPUs on 617, 2 on 518, 4 on 54, 1 on 24). */
function openbLikeCluster(rand: () => number): AllocationLedger {
  const ledger = new AllocationLedger();
  const shapes: [count: number, gpus: number][] = [
    [617, 8],
    [518, 2],
    [54, 4],
    [24, 1],
  ];
  const models = [
    { product: "G2", memoryMiB: 16384 },
    { product: "T4", memoryMiB: 15360 },
    { product: "P100", memoryMiB: 16280 },
    { product: "V100M16", memoryMiB: 16160 },
  ];
  let i = 0;
  for (const [count, gpus] of shapes) {
    for (let k = 0; k < count; k++) {
      const m = pick(rand, models);
      ledger.upsertNode(view(`openb-node-${String(i++).padStart(4, "0")}`, 0, m.product, m.memoryMiB, gpus, gpus * 12));
    }
  }
  return ledger;
}

/** openb's default pod mix: 13 % CPU-only, 38 % sharing one GPU, 48 % one whole GPU, 1 % multi-GPU. */
function openbLikePods(rand: () => number, count: number): PodRequest[] {
  return Array.from({ length: count }, (_, i) => {
    const r = rand();
    const gpuCount = r < 0.13 ? 0 : r < 0.99 ? 1 : pick(rand, [2, 4, 8]);
    const share = gpuCount === 1 && r < 0.51;
    const milli = share ? pick(rand, [810, 470, 320, 650, 250]) : 1000;
    return {
      key: `default/openb-pod-${i}`,
      namespace: "default",
      name: `openb-pod-${i}`,
      uid: `uid-${i}`,
      gpuCount,
      gpuMemory: { kind: "milli", milli },
      resources: { milliCpu: pick(rand, [2000, 4000, 6000, 8000]), memoryBytes: 8 * GiB, pods: 1 },
      tier: 0,
      tierSource: "default",
      sharingTier: 0,
      tenant: "",
      model: null,
      workloadClass: "default",
      gpuProducts: [],
    };
  });
}

function benchSimulatorPath(config: TierfitConfig): BenchRow[] {
  const mix: TypicalPod[] = [
    { milliCpu: 8000, gpuCount: 1, gpuMilli: 1000, weight: 0.45 },
    { milliCpu: 4000, gpuCount: 1, gpuMilli: 810, weight: 0.1 },
    { milliCpu: 4000, gpuCount: 1, gpuMilli: 470, weight: 0.1 },
    { milliCpu: 2000, gpuCount: 1, gpuMilli: 320, weight: 0.1 },
    { milliCpu: 4000, gpuCount: 1, gpuMilli: 650, weight: 0.08 },
    { milliCpu: 4000, gpuCount: 0, gpuMilli: 0, weight: 0.13 },
    { milliCpu: 32000, gpuCount: 8, gpuMilli: 1000, weight: 0.04 },
  ];
  const fgd: ScoringPolicy = {
    name: "fgd",
    signals: [filterOnly(isolationTier), filterOnly(gpuMemory), filterOnly(resourcesFit), fragmentation],
    combine: (s) => s.fragmentation,
    packing: "fragmentation",
  };
  const ctx = makeContext(config, { policy: fgd, workloadMix: mix });
  const run = (memo?: PlacementMemo) => {
    const rand = lcg(42);
    const ledger = openbLikeCluster(rand);
    const pods = openbLikePods(rand, 11_000);
    let placed = 0;
    const start = performance.now();
    for (const pod of pods) {
      const best = pickNode(pod, ledger.nodes(), ctx, memo);
      if (best === null) continue;
      const alloc = allocationFor(pod, best.node, ctx);
      if ("reason" in alloc || ledger.assign(alloc) !== null) throw new Error(`bench: ${pod.key} could not be bound`);
      placed++;
    }
    return { seconds: (performance.now() - start) / 1000, placed };
  };
  run(new PlacementMemo()); // warm-up
  const memo = new PlacementMemo();
  const memoised = run(memo);
  const plain = run();
  if (plain.placed !== memoised.placed) throw new Error("bench: the memo changed the outcome");
  const hitRate = Math.round((100 * memo.hits) / (memo.hits + memo.misses));
  return [
    {
      name: "scoring: FGD replay, 11,000 pods × 1,213 nodes",
      value: round(memoised.seconds, 2),
      unit: "s",
      note: `${memoised.placed} placed; pickNode with PlacementMemo (${hitRate}% hits) + allocationFor + assign`,
    },
    { name: "scoring: FGD replay without memo", value: round(plain.seconds, 2), unit: "s", note: "same run" },
  ];
}

export async function benchScoring(): Promise<BenchRow[]> {
  const config = configSchema.parse({});
  return [...benchExtenderPath(config), ...benchSimulatorPath(config)];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of await benchScoring()) {
    console.log(
      `${row.name.padEnd(48)} ${row.value.toLocaleString("en-US").padStart(12)} ${row.unit}  ${row.note ?? ""}`,
    );
  }
}
