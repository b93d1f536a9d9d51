/**
 * Every comparison policy on the full openb-fgd experiment (FGD paper protocol, seed 42): the
 * 1,213 GPU nodes named in the seed's tie order, ~10,900 arrivals inflated to 130 % of GPU
 * capacity, each pod placed where the policy picks (pickNode over every node, with the runner's
 * memo where the policy allows it, then allocationFor and AllocationLedger.assign), never leaving.
 * Per policy: seconds per run, pods placed, GPU allocation ratio at the end.
 *
 * Baseline measured in the same run: first fit over the same nodes and pods with plain arrays
 * (CPU, memory and per-GPU free thousandths), the least work any placement loop must do. Every
 * figure is the fastest of three runs (CPU time), the policy's ratio to first fit is in CPU time.
 * Reads the trace from config/scenarios/data, relative to the working directory (the repo root).
 *
 * The runs happen on a worker thread with the simulator's resource limits (sim/sweep/worker-pool.ts
 * RUN_RESOURCE_LIMITS), as `tierfit simulate` runs them.
 */
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import {
  openbNodeView,
  openbPodRequest,
  tieOrderedName,
  UNDISCLOSED_GPU_MEMORY_MIB,
} from "../sim/cluster/openb-views.js";
import { typicalMix } from "../sim/runs/openb-fgd.js";
import { RUN_RESOURCE_LIMITS } from "../sim/sweep/worker-pool.js";
import { fgdArrivals, fgdNodeTieOrder, gpuCapacityMilli } from "../sim/workloads/fgd-protocol.js";
import { loadOpenbNodes, loadOpenbPods, type OpenbNode, type OpenbPod } from "../sim/workloads/openb.js";
import { AllocationLedger } from "../src/cluster/ledger.js";
import type { NodeView, PodRequest } from "../src/cluster/types.js";
import { configSchema, type TierfitConfig } from "../src/config/schema.js";
import { POLICY_NAMES, policyByName } from "../src/scoring/baselines/registry.js";
import { makeContext } from "../src/scoring/context.js";
import { PlacementMemo } from "../src/scoring/placement-memo.js";
import { allocationFor, pickNode } from "../src/scoring/runner.js";
import type { TypicalPod } from "../src/scoring/types.js";
import type { BenchRow } from "./engine.js";
import { replyFromWorker } from "./worker-thread.js";

const DATA = "config/scenarios/data/alibaba-openb";
const SEED = 42;

interface Experiment {
  readonly config: TierfitConfig;
  readonly nodes: readonly OpenbNode[];
  readonly views: readonly NodeView[];
  readonly arrivals: readonly OpenbPod[];
  readonly pods: readonly PodRequest[];
  readonly mix: readonly TypicalPod[];
  readonly capacityMilli: number;
}

interface RunResult {
  readonly seconds: number;
  /** CPU time of this process: on a shared machine, closer to the work done than wall time. */
  readonly cpuSeconds: number;
  readonly placed: number;
  readonly allocatedMilli: number;
  /** Node evaluations the runner's memo answered, and those it had to compute. */
  readonly memoHits?: number;
  readonly memoMisses?: number;
}

function loadExperiment(): Experiment {
  const nodes = loadOpenbNodes(`${DATA}/openb_node_list_gpu_node.csv`);
  const trace = loadOpenbPods(`${DATA}/openb_pod_list_default.csv`);
  const config = configSchema.parse({});
  const productMemoryMiB = { ...UNDISCLOSED_GPU_MEMORY_MIB, ...config.gpu.productMemoryMiB };
  const tieOrder = fgdNodeTieOrder(nodes, SEED);
  const views = tieOrder.map((node, rank) =>
    openbNodeView(node, 0, { productMemoryMiB, name: tieOrderedName(rank, node, tieOrder.length) }),
  );
  const arrivals = fgdArrivals(trace, nodes, SEED);
  return {
    config,
    nodes: tieOrder,
    views,
    arrivals,
    pods: arrivals.map(openbPodRequest),
    mix: typicalMix(trace),
    capacityMilli: gpuCapacityMilli(nodes),
  };
}

/** One policy over the whole arrival sequence. */
function runPolicy(name: string, x: Experiment, limit = x.pods.length): RunResult {
  const ledger = new AllocationLedger();
  for (const v of x.views) ledger.upsertNode(v);
  const policy = policyByName(name, x.config, { seed: SEED });
  const ctx = makeContext(x.config, { now: 0, workloadMix: x.mix, policy });
  // As the simulator does it (sim-cluster.ts): the ledger's live array, in name order, which the
  // tie-ordered names make the seed's tie order, and the ledger's change feed for the memo.
  const memo = new PlacementMemo(ledger);
  let placed = 0;
  let allocatedMilli = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (let p = 0; p < limit; p++) {
    const pod = x.pods[p];
    const pick = pickNode(pod, ledger.nodes(), ctx, memo);
    if (pick === null) continue;
    const alloc = allocationFor(pod, pick.node, ctx);
    if ("reason" in alloc)
      throw new Error(`bench: ${name} picked ${pick.node.view.name} for ${pod.key}: ${alloc.reason}`);
    const rejection = ledger.assign(alloc);
    if (rejection !== null) throw new Error(`bench: ledger rejects ${pod.key}: ${rejection.reason}`);
    placed++;
    allocatedMilli += x.arrivals[p].gpuCount * x.arrivals[p].gpuMilli;
  }
  const cpu = process.cpuUsage(cpuStart);
  return {
    seconds: (performance.now() - start) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    placed,
    allocatedMilli,
    memoHits: memo.hits,
    memoMisses: memo.misses,
  };
}

/** First fit over plain arrays: the same fit rule (CPU, memory, GPUs with the share free), no scoring. */
function firstFit(x: Experiment): RunResult {
  const n = x.nodes.length;
  const cpu = Float64Array.from(x.nodes, (node) => node.milliCpu);
  const memory = Float64Array.from(x.nodes, (node) => node.memoryMiB);
  const free = x.nodes.map((node) => new Float64Array(node.gpus).fill(1000));
  let placed = 0;
  let allocatedMilli = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (const pod of x.arrivals) {
    for (let i = 0; i < n; i++) {
      if (cpu[i] < pod.milliCpu || memory[i] < pod.memoryMiB) continue;
      const gpus = free[i];
      let fits = 0;
      for (let g = 0; g < gpus.length; g++) if (gpus[g] >= pod.gpuMilli) fits++;
      if (pod.gpuCount > 0 && fits < pod.gpuCount) continue;
      cpu[i] -= pod.milliCpu;
      memory[i] -= pod.memoryMiB;
      for (let g = 0, left = pod.gpuCount; g < gpus.length && left > 0; g++) {
        if (gpus[g] < pod.gpuMilli) continue;
        gpus[g] -= pod.gpuMilli;
        left--;
      }
      placed++;
      allocatedMilli += pod.gpuCount * pod.gpuMilli;
      break;
    }
  }
  const used = process.cpuUsage(cpuStart);
  return {
    seconds: (performance.now() - start) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
    placed,
    allocatedMilli,
  };
}

function percent(x: number): string {
  return `${(Math.round(x * 1000) / 10).toFixed(1)} %`;
}

/** The run that took the least CPU time: on a shared machine the least disturbed. */
function fastest(runs: readonly RunResult[]): RunResult {
  return runs.reduce((best, r) => (r.cpuSeconds < best.cpuSeconds ? r : best));
}

function times<T>(n: number, f: () => T): T[] {
  return Array.from({ length: Math.max(1, n) }, f);
}

const WORKER_ROLE = "tierfit-openb-bench";

/**
 * `names`: the policies to run (all by default; `tsx bench/openb-policies.ts fgd` profiles one).
 * Each figure is the fastest of `repeats` runs, first fit's as well, so that a neighbour's burst
 * on a shared machine does not decide a ratio.
 */
export async function benchOpenbPolicies(names: readonly string[] = POLICY_NAMES, repeats = 3): Promise<BenchRow[]> {
  return replyFromWorker(import.meta.url, { role: WORKER_ROLE, names, repeats }, RUN_RESOURCE_LIMITS);
}

function measure(names: readonly string[], repeats: number): BenchRow[] {
  const x = loadExperiment();
  const rows: BenchRow[] = [];
  const describe = (r: RunResult) =>
    `${r.placed} of ${x.pods.length} pods placed, GPU allocation ${percent(r.allocatedMilli / x.capacityMilli)}, ` +
    `CPU ${round(r.cpuSeconds)} s`;
  firstFit(x); // warm-up
  const baseline = fastest(times(repeats, () => firstFit(x)));
  rows.push({
    name: "openb: first-fit baseline run",
    value: round(baseline.seconds),
    unit: "s",
    note: `${describe(baseline)}; ${x.views.length} nodes; fastest of ${repeats}`,
  });
  for (const name of names) {
    runPolicy(name, x, 1500); // warm-up: let the JIT compile the policy's signals first
    const r = fastest(times(repeats, () => runPolicy(name, x)));
    const memo = r.memoMisses ? `; ${r.memoMisses} node evaluations computed, ${r.memoHits} from the memo` : "";
    const note = `${describe(r)}${memo}; fastest of ${repeats}`;
    rows.push({ name: `openb: ${name} run`, value: round(r.seconds), unit: "s", note });
    rows.push({
      name: `openb: ${name} / first fit`,
      value: round(r.cpuSeconds / baseline.cpuSeconds),
      unit: "x",
      note: `CPU time ratio (steadier than wall time on a busy machine); wall time ratio ${round(r.seconds / baseline.seconds)}`,
    });
  }
  return rows;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

if (!isMainThread && workerData?.role === WORKER_ROLE) {
  parentPort?.postMessage(measure(workerData.names, workerData.repeats));
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const names = process.argv.slice(2);
  for (const row of await benchOpenbPolicies(names.length > 0 ? names : POLICY_NAMES)) {
    console.log(`${row.name.padEnd(36)} ${String(row.value).padStart(10)} ${row.unit.padEnd(3)} ${row.note ?? ""}`);
  }
}
