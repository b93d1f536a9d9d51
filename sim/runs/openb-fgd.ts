/**
 * The FGD paper's experiment on the openb trace, as its artifact runs it (README steps 1–7 in
 * config/scenarios/data/alibaba-openb): GPU nodes only, tie order fixed per seed through name
 * prefixes, pods shuffled and inflated to 130 % of GPU capacity, placed one at a time through the
 * scoring core, never leaving; a pod that fits nowhere fails and is never retried. Collectors on
 * the arrival events record the allocation ratio against arrived workload and the typical-pod
 * fragmentation when arrivals reach 100 % of capacity.
 */
import type { TierfitConfig } from "../../src/config/schema.js";
import { makeContext } from "../../src/scoring/context.js";
import type { ScoringPolicy } from "../../src/scoring/policy.js";
import type { TypicalPod } from "../../src/scoring/types.js";
import { openbNodeView, openbPodRequest, tieOrderedName } from "../cluster/openb-views.js";
import { type ClusterFragmentation, SimCluster } from "../cluster/sim-cluster.js";
import { Kernel } from "../engine/kernel.js";
import { ArrivalCurveCollector, ArrivalMilestone } from "../metrics/arrival-curve.js";
import { SeriesRecorder } from "../metrics/series-recorder.js";
import type { RunSeries } from "../results.js";
import type { OpenbFgdScenario } from "../scenario/types.js";
import {
  FGD_TYPICAL_COVERAGE_PERCENT,
  fgdArrivals,
  fgdNodeTieOrder,
  gpuCapacityMilli,
  type TypicalPod as TraceTypicalPod,
  typicalPods,
} from "../workloads/fgd-protocol.js";
import { type OpenbNode, type OpenbPod, podGpuMilli } from "../workloads/openb.js";
import { loadOpenbTrace, productMemory } from "./openb-data.js";
import { policyFor } from "./policies.js";

export interface FgdReplayInput {
  /** Nodes in tie order: the first wins every tie it is part of. */
  readonly tieOrder: readonly OpenbNode[];
  /** Pods in arrival order. */
  readonly arrivals: readonly OpenbPod[];
  /** Typical pods (fragmentation's workload mix), from the original, un-inflated list. */
  readonly mix: readonly TypicalPod[];
  readonly config: TierfitConfig;
  readonly policy: ScoringPolicy;
  readonly productMemoryMiB: Readonly<Record<string, number>>;
  readonly seriesPoints: number;
  readonly onProgress?: (fraction: number) => void;
}

export interface FgdReplay {
  readonly metrics: Record<string, number>;
  readonly allocationByArrival: (number | null)[];
  readonly series: RunSeries;
  /** Trace node name each arrival was placed on, null where it failed. */
  readonly placements: (string | null)[];
}

/** Replays one arrival sequence through the policy. */
export function replayFgd(input: FgdReplayInput): FgdReplay {
  const { tieOrder, arrivals } = input;
  const traceName = new Map<string, string>();
  const views = tieOrder.map((node, rank) => {
    const name = tieOrderedName(rank, node, tieOrder.length);
    traceName.set(name, node.name);
    return openbNodeView(node, 0, { productMemoryMiB: input.productMemoryMiB, name });
  });
  const capacityMilli = gpuCapacityMilli(tieOrder);
  const ctx = makeContext(input.config, { now: 0, workloadMix: input.mix, policy: input.policy });
  const cluster = new SimCluster(views, ctx);

  let arrivedMilli = 0;
  let allocatedMilli = 0;
  let placed = 0;
  const placements: (string | null)[] = new Array(arrivals.length).fill(null);
  const kernel = new Kernel();
  const arrive = kernel.defineEvent<number>("arrive", (i) => {
    const pod = arrivals[i];
    arrivedMilli += podGpuMilli(pod);
    const placement = cluster.place(openbPodRequest(pod));
    if (placement === null) return;
    placed++;
    allocatedMilli += podGpuMilli(pod);
    placements[i] = traceName.get(placement.node)!;
  });

  const probe = { arrivedMilli: () => arrivedMilli, allocatedMilli: () => allocatedMilli };
  const curve = new ArrivalCurveCollector(capacityMilli, probe, arrive);
  curve.attach(kernel);
  const at100 = new ArrivalMilestone(100, curve.buckets, probe, arrive, () => cluster.fragmentation(input.mix));
  at100.attach(kernel);
  const series = new SeriesRecorder();
  const stride = Math.max(1, Math.ceil(arrivals.length / input.seriesPoints));
  const progressStride = Math.max(1, Math.floor(arrivals.length / 100));
  kernel.observe((type, i) => {
    if (type !== arrive) return;
    const n = (i as number) + 1;
    if (n % stride === 0 || n === arrivals.length) {
      series.push(n, cluster.totalGpus, allocatedMilli / 1000, arrivedMilli / 1000);
    }
    if (input.onProgress && n % progressStride === 0) input.onProgress(n / arrivals.length);
  });

  // Arrival i at time i: the kernel keeps the order, and the series' t reads as the arrival count.
  arrivals.forEach((_, i) => {
    kernel.schedule(i, arrive, i);
  });
  kernel.run();

  const metrics: Record<string, number> = {
    gpuAllocationRatio: allocatedMilli / capacityMilli,
    unallocatedGpuFraction: 1 - allocatedMilli / capacityMilli,
    unallocatedGpus: (capacityMilli - allocatedMilli) / 1000,
    ...fragmentationMetrics(cluster.fragmentation(input.mix), capacityMilli, ""),
    placedPods: placed,
    failedPods: arrivals.length - placed,
    arrivedPods: arrivals.length,
    isolationViolations: cluster.isolationViolations,
  };
  if (at100.reading !== null) Object.assign(metrics, fragmentationMetrics(at100.reading, capacityMilli, "At100"));
  return { metrics, allocationByArrival: curve.buckets.means(), series: series.series(), placements };
}

/** fragmentationAmount: share of GPU capacity; fragmentationRate: share of idle GPU (0 when none is idle). */
function fragmentationMetrics(f: ClusterFragmentation, capacityMilli: number, suffix: string): Record<string, number> {
  return {
    [`fragmentationAmount${suffix}`]: f.fragmentMilli / capacityMilli,
    [`fragmentationRate${suffix}`]: f.idleMilli > 0 ? f.fragmentMilli / f.idleMilli : 0,
  };
}

/**
 * typicalPods as a mix, once per pod list and coverage: every run of a sweep asks for the same
 * one, and the same array keeps the core's compiled-mix caches warm across runs.
 */
const mixes = new WeakMap<readonly OpenbPod[], Map<number, TypicalPod[]>>();

export function typicalMix(
  pods: readonly OpenbPod[],
  coveragePercent: number = FGD_TYPICAL_COVERAGE_PERCENT,
): readonly TypicalPod[] {
  let byCoverage = mixes.get(pods);
  if (byCoverage === undefined) {
    byCoverage = new Map();
    mixes.set(pods, byCoverage);
  }
  let mix = byCoverage.get(coveragePercent);
  if (mix === undefined) {
    mix = traceMix(typicalPods(pods, coveragePercent));
    byCoverage.set(coveragePercent, mix);
  }
  return mix;
}

/** The trace's typical pods as the scoring core's workload mix (a model list becomes accepted products). */
export function traceMix(typical: readonly TraceTypicalPod[]): TypicalPod[] {
  return typical.map((t) => ({
    milliCpu: t.milliCpu,
    gpuCount: t.gpuCount,
    gpuMilli: t.gpuMilli,
    weight: t.weight,
    ...(t.model === "" ? {} : { gpuProducts: t.model.split("|") }),
  }));
}

/** One seeded run of an openb-fgd scenario. */
export function runOpenbFgd(
  scenario: OpenbFgdScenario,
  policy: string,
  seed: number,
  onProgress?: (fraction: number) => void,
): FgdReplay {
  const trace = loadOpenbTrace(scenario.openb);
  // Step 1: the protocol's cluster is the GPU nodes only.
  const nodes = trace.nodes.filter((n) => n.gpus > 0);
  return replayFgd({
    tieOrder: fgdNodeTieOrder(nodes, seed),
    arrivals: fgdArrivals(trace.pods, nodes, seed, scenario.fgd.inflation),
    mix: typicalMix(trace.pods, scenario.fgd.typicalCoveragePercent),
    config: scenario.config,
    policy: policyFor(policy, scenario.config, { seed }),
    productMemoryMiB: productMemory(scenario.config, scenario.openb),
    seriesPoints: scenario.fgd.seriesPoints,
    onProgress,
  });
}
