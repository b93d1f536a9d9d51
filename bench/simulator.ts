/**
 * Simulator speed and memory, two ways:
 *
 *  (a) the FGD paper's experiment (config/scenarios/openb-fgd.yaml): seconds per run for every
 *      policy over a few seeds, each run exactly as `tierfit simulate` does it (runOne, trace
 *      loading included), against the targets on 2 cores: ≤ 1 s per fgd (and tierfit) run,
 *      ≤ 0.3 s per run of the simpler baselines. The runs happen on a worker thread with the
 *      simulator's resource limits, one after another, as a `tierfit simulate` worker runs them;
 *  (b) a 1M-pod, 10k-node synthetic run (streamed pods, arrivals and departures on the event
 *      kernel, tierfit's policy), its time and peak memory against a baseline measured in the
 *      same process: generating the same 1M pods without scheduling them. Memory is sampled
 *      every 25,000 pods (after a full GC when node runs with --expose-gc, so heap figures are
 *      live data, not garbage); the arrival rate is flat, so once the cluster has filled the live
 *      population is steady, and the peak heap in the last quarter of the arrivals against the
 *      second quarter shows whether the run holds pods it no longer needs.
 */
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { poolNodeViews } from "../sim/cluster/node-pool.js";
import { runOne } from "../sim/run-one.js";
import { policyFor } from "../sim/runs/policies.js";
import { syntheticMix, syntheticTimedPods, syntheticWorkload } from "../sim/runs/synthetic.js";
import { replayTimed } from "../sim/runs/timed.js";
import { loadScenario } from "../sim/scenario/load.js";
import type { ClusterSection, SyntheticSection } from "../sim/scenario/schema.js";
import { RUN_RESOURCE_LIMITS } from "../sim/sweep/worker-pool.js";
import { configSchema } from "../src/config/schema.js";
import { makeContext } from "../src/scoring/context.js";
import type { BenchRow } from "./engine.js";
import { repoRoot } from "./repo-root.js";
import { replyFromWorker } from "./worker-thread.js";

export interface SimulatorBenchOptions {
  /** Seeds per openb-fgd policy. */
  readonly fgdSeeds?: readonly number[];
  readonly syntheticPods?: number;
  readonly syntheticNodes?: number;
}

const TARGET_SECONDS: Readonly<Record<string, number>> = { fgd: 1, tierfit: 1 };
const SIMPLE_BASELINE_TARGET = 0.3;
const SAMPLE_EVERY_PODS = 25_000;
const MiB = 1024 * 1024;

export async function benchSimulator(options: SimulatorBenchOptions = {}): Promise<BenchRow[]> {
  const synthetic = benchSyntheticScale(options.syntheticPods ?? 1_000_000, options.syntheticNodes ?? 10_000);
  const seeds = options.fgdSeeds ?? [42, 43, 44];
  const fgd = await replyFromWorker<BenchRow[]>(import.meta.url, { role: WORKER_ROLE, seeds }, RUN_RESOURCE_LIMITS);
  return [...fgd, ...synthetic];
}

const WORKER_ROLE = "tierfit-simulator-bench-openb";

// ---- (a) openb-fgd, per policy ----

function benchOpenbFgd(seeds: readonly number[]): BenchRow[] {
  const scenario = loadScenario(join(repoRoot(import.meta.url), "config", "scenarios", "openb-fgd.yaml"));
  const rows: BenchRow[] = [];
  let sweepSeconds = 0;
  for (const policy of scenario.policies) {
    // Warm-up on a seed that is not measured (file cache, the JIT on this policy's code), so the
    // figures are a sweep's steady state: a worker runs every seed of a policy.
    runOne({ scenario, policy, seed: Math.max(...seeds) + 1 });
    const times = seeds.map((seed) => runOne({ scenario, policy, seed }).wallSeconds);
    const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
    const target = TARGET_SECONDS[policy] ?? SIMPLE_BASELINE_TARGET;
    sweepSeconds += median * scenario.seeds.length;
    rows.push({
      name: `simulator: openb-fgd ${policy}`,
      value: round(median, 3),
      unit: "s/run",
      note: `median of seeds ${seeds.join(",")} (${times.map((t) => t.toFixed(2)).join(", ")} s); target ≤ ${target} s: ${median <= target ? "met" : "MISSED"}`,
    });
  }
  rows.push({
    name: "simulator: openb-fgd whole sweep, one thread",
    value: round(sweepSeconds, 1),
    unit: "s",
    note: `${scenario.policies.length} policies × ${scenario.seeds.length} seeds at the medians above; worker threads divide it`,
  });
  return rows;
}

// ---- (b) 1M pods on 10k nodes ----

function syntheticSetup(pods: number, nodes: number) {
  const config = configSchema.parse({});
  const group = (name: string, share: number, tier: string) => ({
    name,
    count: Math.round(nodes * share),
    gpus: 8,
    product: "NVIDIA-A100-SXM4-80GB",
    tier,
    cpu: 128,
    memoryGiB: 1024,
    pods: 110,
  });
  const cluster: ClusterSection = {
    nodes: [group("runc", 0.6, "shared-kernel"), group("gvisor", 0.2, "sandboxed"), group("kata", 0.2, "hypervisor")],
  };
  // Mean 1.64 GPUs a pod for an hour: 9 arrivals/s per 10k nodes keeps ~65 % of the GPUs busy.
  const section: SyntheticSection = {
    arrivalsPerSecond: (9 * nodes) / 10_000,
    durationSeconds: Number.MAX_SAFE_INTEGER,
    maxPods: pods,
    // Flat, so after the first hour the live population is steady and any growth of the heap
    // is memory the run holds on to.
    diurnal: { amplitude: 0, peakHour: 14 },
    batch: { meanSize: 2, sigma: 0.8 },
    gpuSizeMix: { "1/4": 1, "1/2": 2, "1": 4, "2": 2, "4": 1, "8": 0.5 },
    tierMix: { "shared-kernel": 6, sandboxed: 2, hypervisor: 2 },
    tenants: 50,
    meanDurationSeconds: 3600,
  };
  const workload = syntheticWorkload(section, 1);
  const timedPods = () => syntheticTimedPods(workload, config);
  return { config, cluster, section, timedPods };
}

/** Peak memory over samples taken as pods are drawn; `gc` when node exposes it. */
class MemoryPeaks {
  readonly heap: number[] = [];
  peakRss = 0;
  readonly #gc = (globalThis as { gc?: () => void }).gc;

  get exact(): boolean {
    return this.#gc !== undefined;
  }

  sample(): void {
    this.#gc?.();
    const m = process.memoryUsage();
    this.heap.push(m.heapUsed);
    this.peakRss = Math.max(this.peakRss, m.rss);
  }

  peakHeap(from = 0, to = 1): number {
    const slice = this.heap.slice(Math.floor(this.heap.length * from), Math.ceil(this.heap.length * to));
    return Math.max(0, ...slice);
  }

  /** Passes `items` through, sampling as they are drawn; `label` reports progress on stderr (a long run). */
  *watch<T>(items: Iterable<T>, label?: string): Generator<T> {
    const started = performance.now();
    let n = 0;
    this.sample();
    for (const item of items) {
      if (++n % SAMPLE_EVERY_PODS === 0) {
        this.sample();
        if (label && n % (SAMPLE_EVERY_PODS * 8) === 0) {
          const seconds = Math.round((performance.now() - started) / 1000);
          process.stderr.write(`${label}: ${n.toLocaleString("en-US")} pods in ${seconds} s\n`);
        }
      }
      yield item;
    }
    this.sample();
  }
}

function benchSyntheticScale(pods: number, nodes: number): BenchRow[] {
  const setup = syntheticSetup(pods, nodes);
  const size = `${pods.toLocaleString("en-US")} pods, ${nodes.toLocaleString("en-US")} nodes`;

  const baseMemory = new MemoryPeaks();
  let started = performance.now();
  let drawn = 0;
  for (const pod of baseMemory.watch(setup.timedPods())) drawn += pod.runSeconds === null ? 0 : 1;
  const baseSeconds = (performance.now() - started) / 1000;

  const runMemory = new MemoryPeaks();
  started = performance.now();
  const mix = syntheticMix(setup.section);
  const outcome = replayTimed({
    views: poolNodeViews(setup.cluster.nodes, setup.config),
    pods: runMemory.watch(setup.timedPods(), "bench synthetic run"),
    context: makeContext(setup.config, {
      now: 0,
      workloadMix: mix,
      policy: policyFor("tierfit", setup.config, { seed: 1 }),
    }),
    mix,
    sampleSeconds: 3600,
  });
  const runSeconds = (performance.now() - started) / 1000;
  const m = outcome.metrics;
  const heapKind = runMemory.exact
    ? "live heap (after GC)"
    : "heap incl. garbage (run node with --expose-gc for live heap)";
  const mib = (bytes: number) => round(bytes / MiB, 1);
  return [
    {
      name: "simulator: synthetic run",
      value: round(runSeconds, 1),
      unit: "s",
      note: `${size}, tierfit policy: ${Math.round(pods / runSeconds).toLocaleString("en-US")} pods/s; placed ${m.placedPods}, failed ${m.failedPods}, GPU allocation ${round(m.gpuAllocationRatio, 3)}`,
    },
    {
      name: "simulator: synthetic baseline (generate pods only)",
      value: round(baseSeconds, 2),
      unit: "s",
      note: `the same ${drawn.toLocaleString("en-US")} pods, not scheduled`,
    },
    { name: "simulator: ratio run / baseline time", value: round(runSeconds / baseSeconds, 1), unit: "x" },
    { name: "simulator: synthetic run peak heap", value: mib(runMemory.peakHeap()), unit: "MiB", note: heapKind },
    {
      name: "simulator: synthetic baseline peak heap",
      value: mib(baseMemory.peakHeap()),
      unit: "MiB",
      note: heapKind,
    },
    {
      name: "simulator: ratio run / baseline peak heap",
      value: round(runMemory.peakHeap() / baseMemory.peakHeap(), 2),
      unit: "x",
    },
    {
      name: "simulator: synthetic run peak heap, last vs second quarter",
      value: round(runMemory.peakHeap(0.75, 1) / runMemory.peakHeap(0.25, 0.5), 2),
      unit: "x",
      note: `${mib(runMemory.peakHeap(0.75, 1))} vs ${mib(runMemory.peakHeap(0.25, 0.5))} MiB: near 1 when finished pods are let go`,
    },
    { name: "simulator: synthetic run peak RSS", value: mib(runMemory.peakRss), unit: "MiB", note: "whole process" },
  ];
}

// ---- helpers ----

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function argValue(flag: string): number | undefined {
  const i = process.argv.indexOf(flag);
  return i < 0 ? undefined : Number(process.argv[i + 1]);
}

if (!isMainThread && workerData?.role === WORKER_ROLE) {
  parentPort?.postMessage(benchOpenbFgd(workerData.seeds));
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchSimulator({ syntheticPods: argValue("--pods"), syntheticNodes: argValue("--nodes") });
  for (const row of rows) {
    console.log(
      `${row.name.padEnd(58)} ${row.value.toLocaleString("en-US").padStart(10)} ${row.unit}  ${row.note ?? ""}`,
    );
  }
}
