/**
 * A cluster over time: pods arrive, run, and leave, on the event kernel. A pod that fits nowhere
 * waits in a FIFO pending queue and is retried when capacity frees: when a pod leaves node N, the
 * waiting pods are tried in arrival order against N (no other node gained room since they last
 * failed everywhere) and placed through the policy when N passes its filters. Pending time is
 * recorded per pod; a pod still waiting at its give-up time, or at the end, counts as failed.
 *
 * Provisioned GPUs are those of nodes hosting at least one pod (a cluster autoscaler removes
 * empty nodes); used GPUs are the allocated share of devices.
 */
import type { NodeView, PodRequest } from "../../src/cluster/types.js";
import type { ScoringContext, TypicalPod } from "../../src/scoring/types.js";
import { SimCluster } from "../cluster/sim-cluster.js";
import { Kernel, PRIORITY } from "../engine/kernel.js";
import { SeriesRecorder } from "../metrics/series-recorder.js";
import { perTierUsage, UsageCollector, usageMetrics } from "../metrics/usage-collector.js";
import { WaitTimes } from "../metrics/wait-times.js";
import type { RunSeries } from "../results.js";

export interface TimedPod {
  readonly request: PodRequest;
  /** Seconds since the start of the run. */
  readonly arrival: number;
  /** How long it runs once placed; null = until the end of the run. */
  readonly runSeconds: number | null;
  /** When it is withdrawn if still waiting (a trace's deletion time); null = it waits to the end. */
  readonly giveUpAt: number | null;
}

export interface TimedInput {
  readonly views: readonly NodeView[];
  /** In arrival order; read lazily, one ahead, so a long workload is never held whole. */
  readonly pods: Iterable<TimedPod>;
  readonly context: ScoringContext;
  /** Fragmentation's workload mix. */
  readonly mix: readonly TypicalPod[];
  readonly sampleSeconds: number;
  /** Expected end, for progress reports only. */
  readonly expectedEnd?: number;
  readonly onProgress?: (fraction: number) => void;
  /** Called after every event with the cluster as it stands (checks and custom collectors). */
  readonly observe?: (cluster: SimCluster, now: number) => void;
}

export interface TimedOutcome {
  readonly metrics: Record<string, number>;
  readonly perTier: Record<string, Record<string, number>>;
  readonly series: RunSeries;
  /** The cluster at the end, for inspection. */
  readonly cluster: SimCluster;
}

export function replayTimed(input: TimedInput): TimedOutcome {
  const cluster = new SimCluster(input.views, input.context);
  const kernel = new Kernel();
  const source = input.pods[Symbol.iterator]();
  /** Pods by sequence number while they arrive, wait or run; freed when they leave. */
  const live = new Map<number, TimedPod>();
  const waiting = new Map<number, TimedPod>();
  const waits = new WaitTimes();
  let arrived = 0;
  let placed = 0;
  let failed = 0;
  let lastArrival = 0;
  let nextSeq = 0;

  const depart = kernel.defineEvent<number>("depart", (seq, k) => {
    const pod = live.get(seq)!;
    live.delete(seq);
    const freed = cluster.release(pod.request.key);
    if (freed !== undefined) retryOn(freed.node, k.now);
  });
  const giveUp = kernel.defineEvent<number>("give-up", (seq, k) => {
    const pod = waiting.get(seq);
    if (pod === undefined) return; // placed meanwhile
    waiting.delete(seq);
    live.delete(seq);
    waits.add(k.now - pod.arrival);
    failed++;
  });
  const start = (seq: number, pod: TimedPod, now: number): boolean => {
    if (cluster.place(pod.request) === null) return false;
    placed++;
    waits.add(now - pod.arrival);
    if (pod.runSeconds !== null) kernel.schedule(now + pod.runSeconds, depart, seq);
    return true;
  };
  const retryOn = (node: string, now: number): void => {
    for (const [seq, pod] of waiting) {
      if (!cluster.fitsOn(pod.request, node)) continue;
      if (start(seq, pod, now)) waiting.delete(seq);
    }
  };
  const arrive = kernel.defineEvent<number>("arrive", (seq, k) => {
    const pod = live.get(seq)!;
    arrived++;
    if (!start(seq, pod, k.now)) {
      waiting.set(seq, pod);
      if (pod.giveUpAt !== null) kernel.schedule(Math.max(k.now, pod.giveUpAt), giveUp, seq, PRIORITY.late);
    }
    scheduleNext();
  });
  const scheduleNext = (): void => {
    const next = source.next();
    if (next.done) return;
    const pod = next.value;
    if (pod.arrival < lastArrival)
      throw new Error(
        `pods must come in arrival order: ${pod.request.key} arrives at ${pod.arrival}, before ${lastArrival}`,
      );
    lastArrival = pod.arrival;
    const seq = nextSeq++;
    live.set(seq, pod);
    kernel.schedule(pod.arrival, arrive, seq);
  };

  const usage = new UsageCollector({
    tierCount: cluster.tierCount,
    provisionedGpus: () => cluster.poweredGpus,
    allocatedGpus: () => cluster.busyDevices,
    usedGpus: () => cluster.allocatedGpus,
    provisionedGpusOfTier: (t) => cluster.poweredGpusOfTier(t),
    usedGpusOfTier: (t) => cluster.allocatedGpusOfTier(t),
  });
  usage.attach(kernel);
  const observe = input.observe;
  if (observe) kernel.observe((_type, _payload, k) => observe(cluster, k.now));
  const series = new SeriesRecorder();
  let fragAmountSum = 0;
  let fragRateSum = 0;
  let fragSamples = 0;
  const sample = kernel.defineEvent<null>("sample", (_, k) => {
    series.push(k.now, cluster.poweredGpus, cluster.busyDevices, cluster.allocatedGpus);
    const f = cluster.fragmentation(input.mix);
    if (cluster.poweredNodes > 0 && cluster.totalGpus > 0) {
      fragAmountSum += f.fragmentMilli / (cluster.totalGpus * 1000);
      fragRateSum += f.idleMilli > 0 ? f.fragmentMilli / f.idleMilli : 0;
      fragSamples++;
    }
    if (input.onProgress && input.expectedEnd) input.onProgress(Math.min(1, k.now / input.expectedEnd));
    // Sampling stops when nothing else is left to happen.
    if (k.pending > 0) k.scheduleAfter(input.sampleSeconds, sample, null, PRIORITY.late);
  });

  // The run ends with its last arrival, departure or give-up; a trailing sample does not extend it.
  let end = 0;
  kernel.observe((type, _payload, k) => {
    if (type !== sample) end = k.now;
  });

  scheduleNext();
  kernel.schedule(0, sample, null, PRIORITY.late);
  kernel.run();
  for (const pod of waiting.values()) {
    waits.add(end - pod.arrival);
    failed++;
  }
  const totals = usage.finish(end);
  const capacityHours = (cluster.totalGpus * totals.measuredSeconds) / 3600;
  const metrics: Record<string, number> = {
    ...usageMetrics(totals),
    gpuAllocationRatio: capacityHours > 0 ? totals.gpuHoursUsed / capacityHours : 0,
    placedPods: placed,
    failedPods: failed,
    arrivedPods: arrived,
    pendingSecondsMean: waits.mean(),
    pendingSecondsP95: waits.percentile(0.95),
    fragmentationAmount: fragSamples > 0 ? fragAmountSum / fragSamples : 0,
    fragmentationRate: fragSamples > 0 ? fragRateSum / fragSamples : 0,
    isolationViolations: cluster.isolationViolations,
    tierViolations: cluster.tierViolations,
    sharingViolations: cluster.sharingViolations,
  };
  const tierNames = input.context.config.tiers.map((t) => t.name);
  return { metrics, perTier: perTierUsage(totals, tierNames), series: series.series(), cluster };
}
