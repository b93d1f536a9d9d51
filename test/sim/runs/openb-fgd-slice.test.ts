/**
 * The FGD protocol on a hand-made slice (test/fixtures/openb-slice): 10 nodes with 20 GPUs, 30 pods
 * in list order, ties to the list's node order. The policy is tierfit's core scoring with only the
 * gpuMemory signal weighted and binpack packing, so each choice can be worked out by hand: a GPU pod goes to the node
 * whose best device is left emptiest-least (score 10 × (1 − leftover share), binpack), a CPU-only
 * pod scores a neutral 5 everywhere; equal scores go to the first node in tie order.
 */
import { describe, expect, it } from "vitest";
import { UNDISCLOSED_GPU_MEMORY_MIB } from "../../../sim/cluster/openb-views.js";
import { runOne } from "../../../sim/run-one.js";
import { replayFgd } from "../../../sim/runs/openb-fgd.js";
import { resolveScenario } from "../../../sim/scenario/resolve.js";
import { loadOpenbNodes, loadOpenbPods } from "../../../sim/workloads/openb.js";
import { configSchema } from "../../../src/config/schema.js";
import { tierfitPolicy } from "../../../src/scoring/policy.js";
import type { TypicalPod } from "../../../src/scoring/types.js";

const DIR = "test/fixtures/openb-slice";
const nodes = loadOpenbNodes(`${DIR}/nodes.csv`);
const pods = loadOpenbPods(`${DIR}/pods.csv`);
const config = configSchema.parse({
  workloadClasses: { default: { gpuPacking: "binpack" } },
  scoring: {
    combine: "weighted",
    weights: { gpuMemory: 1, isolationTier: 0, liveDemand: 0, fragmentation: 0, resourcesFit: 0 },
  },
});
const productMemoryMiB = { ...UNDISCLOSED_GPU_MEMORY_MIB, ...config.gpu.productMemoryMiB };

/**
 * Two typical pods, half each: 2 cores with 600/1000 of a GPU, 4 cores with 2 whole GPUs. A node's
 * fragmentation is ½·F1 + ½·F2, where Fi is the idle GPU on devices too small for pod i if pod i
 * fits the node at all, else all the node's idle GPU.
 */
const mix: TypicalPod[] = [
  { milliCpu: 2000, gpuCount: 1, gpuMilli: 600, weight: 0.5 },
  { milliCpu: 4000, gpuCount: 2, gpuMilli: 1000, weight: 0.5 },
];

const replay = () =>
  replayFgd({
    tieOrder: nodes,
    arrivals: pods,
    mix,
    config,
    policy: tierfitPolicy(config),
    productMemoryMiB,
    seriesPoints: 500,
  });

describe("FGD protocol on the hand-made slice", () => {
  const run = replay();

  it("places each pod where the hand calculation says", () => {
    // p01 whole GPU: every free device scores 10 → first node, n01. p02 400: every device is
    // whole, score 4 → n02 (n01 is full). p03 600: n02 has exactly 600 left → 10. p04 2 GPUs,
    // 8 cores: n03 has only 4 cores → n04. p05 CPU-only: 5 everywhere → n01. p06 200: n03 first
    // with a free GPU (score 2 everywhere). p07 800, 3 cores: n03's 800-free device would score
    // 10 but n03 has 2 cores left → n05 (8). p08 200: n05's 200 left → 10. p09 V100s only → n07.
    // p10 2 GPUs → n06 (n03, n05 have one free device). p11 600: n03's 800 → 8 beats 6.
    // p12 400: 4 everywhere, n03 has no cores → n05. p13 600: n05's 600 left → 10. p14 4 GPUs →
    // n09. p15 2 GPUs → n08. p16 whole → n07. p17 CPU-only → n01 (3 cores left). p18 T4 only:
    // no T4 has room with cores → fails. p19 200 → n10 (n03 has no cores). p20 2 GPUs → none
    // left → fails. p21 800: n10's 800 → 10. p22 → n10. p23: only n03 has GPU room, no cores →
    // fails. p24 CPU-only → n01. p25 needs 1 core, n01 has 0.5 → n02. p26 fails. p27 and p28 ask
    // for no CPU, so n03 takes them (200 exact, then the whole device). p29 fails (no GPU room
    // anywhere). p30 → n01's last 0.5 core.
    expect(run.placements).toEqual([
      "n01",
      "n02",
      "n02",
      "n04",
      "n01",
      "n03",
      "n05",
      "n05",
      "n07",
      "n06",
      "n03",
      "n05",
      "n05",
      "n09",
      "n08",
      "n07",
      "n01",
      null,
      "n10",
      null,
      "n10",
      "n10",
      null,
      "n01",
      "n02",
      null,
      "n03",
      "n03",
      null,
      "n01",
    ]);
  });

  it("counts placed and failed pods, and ends with every GPU allocated", () => {
    // Placed GPU milli: 1000+400+600+2000+200+800+200+1000+2000+600+400+600+4000+2000+1000+200
    // +800+1000+200+1000 = 20,000 = all 20 GPUs.
    expect(run.metrics.placedPods).toBe(25);
    expect(run.metrics.failedPods).toBe(5);
    expect(run.metrics.gpuAllocationRatio).toBe(1);
    expect(run.metrics.unallocatedGpuFraction).toBe(0);
    // Nothing is idle at the end, so nothing is fragmented.
    expect(run.metrics.fragmentationAmount).toBe(0);
    expect(run.metrics.fragmentationRate).toBe(0);
    expect(run.metrics.isolationViolations).toBe(0);
  });

  it("averages the allocation ratio per arrived-workload bucket", () => {
    // Capacity 20,000 milli: bucket = round(arrived / 200); value = allocated / 20,000.
    // Arrived (failed pods included) after each pod: 1000 1400 2000 4000 4000 4200 5000 5200 6200
    // 8200 8800 9200 9800 13800 15800 16800 16800 17600 17800 19800 20600 21600 21800 21800 21800
    // 22200 22400 23400 24000 24000. Allocated: the same until p18 (16800), then 16800 17000 17000
    // 17800 18800 18800 18800 18800 18800 19000 20000 20000 20000.
    const expected: (number | null)[] = new Array(121).fill(null);
    const buckets: [number, number][] = [
      [5, 0.05],
      [7, 0.07],
      [10, 0.1],
      [20, 0.2],
      [21, 0.21],
      [25, 0.25],
      [26, 0.26],
      [31, 0.31],
      [41, 0.41],
      [44, 0.44],
      [46, 0.46],
      [49, 0.49],
      [69, 0.69],
      [79, 0.79],
      [84, 0.84],
      [88, 0.84],
      [89, 0.85],
      [99, 0.85],
      [103, 0.89],
      [108, 0.94],
      [109, 0.94],
      [111, 0.94],
      [112, 0.95],
      [117, 1],
      [120, 1],
    ];
    for (const [b, v] of buckets) expected[b] = v;
    expect(run.allocationByArrival.length).toBe(121);
    run.allocationByArrival.forEach((v, b) => {
      if (expected[b] === null) expect(v, `bucket ${b}`).toBeNull();
      else expect(v, `bucket ${b}`).toBeCloseTo(expected[b] as number, 12);
    });
  });

  it("measures typical-pod fragmentation when arrivals first reach 100 %", () => {
    // The first arrival at ≥ 19,900 milli is p21 (20,600). Idle then: n03 (200 + 1000, no cores
    // left: neither typical pod fits, F1 = F2 = 1200 → 1200) and n10 (1000 on one device, 12
    // cores: pod 1 fits and nothing is below 600 → 0; pod 2 needs two free GPUs → 1000; → 500).
    // Fragmentation 1700 milli of 20,000 capacity and of 2,200 idle.
    expect(run.metrics.fragmentationAmountAt100).toBeCloseTo(1700 / 20000, 12);
    expect(run.metrics.fragmentationRateAt100).toBeCloseTo(1700 / 2200, 12);
  });

  it("samples the series per arrival: t = arrivals so far, the whole cluster provisioned", () => {
    expect(run.series.t).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(new Set(run.series.provisionedGpus)).toEqual(new Set([20]));
    expect(run.series.allocatedGpus[20]).toBe(17.8); // after p21
    expect(run.series.usedGpus[20]).toBe(20.6); // arrived demand after p21
  });

  it("breaks ties by the tie order it is given", () => {
    const reversed = replayFgd({
      tieOrder: [...nodes].reverse(),
      arrivals: pods.slice(0, 5),
      mix,
      config,
      policy: tierfitPolicy(config),
      productMemoryMiB,
      seriesPoints: 10,
    });
    // p01 whole GPU: every free device scores 10, so the first node in the reversed order, n10.
    // p02 400: every free device is whole (score 4), and n10 still has one → n10. p03 600:
    // n10's 600 left → 10. p04 2 GPUs: n10 has none free → n09. p05 CPU-only → n10.
    expect(reversed.placements).toEqual(["n10", "n10", "n10", "n09", "n10"]);
  });
});

describe("runOne on an openb-fgd scenario", () => {
  const { scenario, problems } = resolveScenario(
    {
      name: "slice",
      description: "the hand-made slice, shuffled and tie-ordered per seed",
      kind: "openb-fgd",
      policies: ["tierfit"],
      seeds: [7],
      config: {
        scoring: {
          combine: "weighted",
          weights: { gpuMemory: 1, isolationTier: 0, liveDemand: 0, fragmentation: 0, resourcesFit: 0 },
        },
      },
      openb: { nodes: "nodes.csv", pods: "pods.csv" },
      fgd: { inflation: 1.3 },
    },
    { baseDir: DIR },
  );

  it("runs the seeded protocol: every arrival either placed or failed, allocation as placed", () => {
    expect(problems).toEqual([]);
    const result = runOne({ scenario: scenario!, policy: "tierfit", seed: 7 });
    const m = result.metrics;
    expect(m.placedPods + m.failedPods).toBe(m.arrivedPods);
    // Inflated to 130 % of 20 GPUs: the clones stop within one pod's share of 26,000 milli.
    const arrivedGpus = result.series.usedGpus.at(-1)!;
    expect(arrivedGpus).toBeGreaterThan(25);
    expect(arrivedGpus).toBeLessThanOrEqual(26);
    expect(m.gpuAllocationRatio).toBeCloseTo(result.series.allocatedGpus.at(-1)! / 20, 12);
    expect(result.allocationByArrival!.length).toBeGreaterThanOrEqual(126);
    expect(result.perTier).toEqual({});
  });
});
