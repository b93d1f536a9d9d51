/**
 * One inference simulation on the event kernel. Three event types: a load bin (every service's
 * rate and token sizes change), a scaling tick (telemetry sampled, replicas resized for
 * forecast scaling, waiting replicas placed through the policy with the simulated demand
 * snapshot), and a series sample. Collectors read the cluster and the serving model after every
 * event: GPU-hours provisioned (GPUs of nodes running a replica), allocated, used (what the
 * actual load needs: demandToGpu's compute or memory share, whichever is larger), and SLO
 * shortfall. Nothing before the warm-up's end is counted.
 */

import type { NodeView, PodRequest } from "../../../src/cluster/types.js";
import { demandToGpu } from "../../../src/metrics/forecast/capacity.js";
import { makeContext } from "../../../src/scoring/context.js";
import type { ScoringPolicy } from "../../../src/scoring/policy.js";
import { SimCluster } from "../../cluster/sim-cluster.js";
import { replicaPodRequest } from "../../cluster/sim-pods.js";
import { Kernel, PRIORITY } from "../../engine/kernel.js";
import { SeriesRecorder } from "../../metrics/series-recorder.js";
import { SloCollector } from "../../metrics/slo-collector.js";
import { StepIntegral } from "../../metrics/step-integral.js";
import { perTierUsage, UsageCollector, usageMetrics } from "../../metrics/usage-collector.js";
import { WaitTimes } from "../../metrics/wait-times.js";
import type { RunSeries } from "../../results.js";
import type { ScalingMode } from "../../scenario/schema.js";
import type { InferenceScenario } from "../../scenario/types.js";
import { forecastTarget, RateHistory } from "./forecast-target.js";
import { type LoadPoint, loadAt, peakOver } from "./load-series.js";
import type { PreparedService } from "./prepare.js";
import { type Serving, serve } from "./serving.js";
import { deviceKey, SimDemand } from "./sim-demand.js";
import { peakSizing, rescale } from "./sizing.js";

export interface SimulateInput {
  readonly scenario: InferenceScenario;
  readonly services: readonly PreparedService[];
  readonly policy: ScoringPolicy;
  readonly scaling: ScalingMode;
  readonly views: readonly NodeView[];
  readonly onProgress?: (fraction: number) => void;
}

export interface InferenceOutcome {
  readonly metrics: Record<string, number>;
  readonly perTier: Record<string, Record<string, number>>;
  readonly series: RunSeries;
}

interface Replica {
  readonly key: string;
  readonly ordinal: number;
  readonly memoryMiB: number;
  readonly pod: PodRequest;
  readonly createdAt: number;
  node: string | null;
  device: string | null;
}

interface ServiceRun {
  readonly prepared: PreparedService;
  replicas: Replica[];
  nextOrdinal: number;
  readonly history: RateHistory | null;
  current: LoadPoint;
  /** GPUs the current load needs. */
  used: number;
}

export function simulateInference(input: SimulateInput): InferenceOutcome {
  const { scenario, policy, scaling } = input;
  const config = scenario.config;
  const inf = scenario.inference;
  const warmup = inf.warmupSeconds;
  const end = warmup + inf.durationSeconds;
  const bins = Math.ceil(end / inf.binSeconds);
  const interval = inf.forecast.intervalSeconds;
  const cluster = new SimCluster(input.views, makeContext(config, { now: 0, policy }));
  const demand = new SimDemand(interval * 1000);
  const waits = new WaitTimes();
  const runs: ServiceRun[] = input.services.map((prepared) => ({
    prepared,
    replicas: [],
    nextOrdinal: 0,
    history:
      scaling === "forecast" ? new RateHistory(inf.forecast.historyStepSeconds, inf.forecast.historySeconds) : null,
    current: loadAt(prepared.load, 0),
    used: 0,
  }));
  let serving: Serving = serve([]);

  const recomputeServing = () => {
    serving = serve(runs.map((r) => ({ profile: r.prepared.profile, load: r.current, replicas: r.replicas })));
  };
  const addReplica = (run: ServiceRun, memoryMiB: number, now: number) => {
    const s = run.prepared.section;
    const ordinal = run.nextOrdinal++;
    const pod = replicaPodRequest(
      {
        service: s.name,
        ordinal,
        gpuMemoryMiB: memoryMiB,
        tier: s.tier,
        tenant: s.tenant,
        cpu: s.cpu,
        memoryGiB: s.memoryGiB,
        gpuProducts: s.gpuProducts,
        workloadClass: s.workloadClass,
      },
      config,
    );
    run.replicas.push({ key: pod.key, ordinal, memoryMiB, pod, createdAt: now, node: null, device: null });
  };
  const removeReplica = (run: ServiceRun, key: string, now: number) => {
    const r = run.replicas.find((x) => x.key === key)!;
    if (r.node === null) waits.add(now - r.createdAt);
    else cluster.release(key);
    run.replicas = run.replicas.filter((x) => x.key !== key);
  };

  const kernel = new Kernel();
  const bin = kernel.defineEvent<number>("load-bin", (b, k) => {
    for (const run of runs) {
      run.current = loadAt(run.prepared.load, b);
      run.history?.observe(k.now, run.current.rps, inf.binSeconds);
      const need = demandToGpu(
        {
          rps: run.current.rps,
          meanContextTokens: run.current.contextTokens,
          meanGeneratedTokens: run.current.generatedTokens,
        },
        run.prepared.profile,
      );
      run.used = Math.max(need.gpuCompute, need.gpuMemoryMiB / run.prepared.profile.gpuMemoryMiB);
    }
    recomputeServing();
    if (input.onProgress && b % Math.max(1, Math.floor(bins / 100)) === 0) input.onProgress(k.now / end);
    if (b + 1 < bins) k.schedule((b + 1) * inf.binSeconds, bin, b + 1, PRIORITY.urgent);
  });

  const tick = kernel.defineEvent<null>("scale", (_, k) => {
    const nowMs = k.now * 1000;
    demand.sample(nowMs, cluster.ledger.nodes(), serving.deviceDemand);
    for (const run of runs) {
      const profile = run.prepared.profile;
      if (scaling === "static-peak") {
        if (run.nextOrdinal === 0) {
          const peak = peakSizing(run.prepared.load, profile, inf.staticPeak.headroom);
          for (let i = 0; i < peak.replicas; i++) addReplica(run, peak.memoryMiB, k.now);
        }
        demand.setModel(run.prepared.section.name, run.current.rps, run.replicas.length, null, nowMs);
        continue;
      }
      const bin = Math.floor(k.now / inf.binSeconds);
      const recent = peakOver(run.prepared.load, bin - Math.ceil(interval / inf.binSeconds) + 1, bin);
      const target = forecastTarget(run.history!, recent, inf.forecast);
      const plan = rescale(
        run.replicas.map((r) => ({ key: r.key, ordinal: r.ordinal, memoryMiB: r.memoryMiB, placed: r.node !== null })),
        target.load,
        profile,
      );
      for (const key of plan.remove) removeReplica(run, key, k.now);
      for (const memoryMiB of plan.add) addReplica(run, memoryMiB, k.now);
      const need = demandToGpu(
        {
          rps: target.load.rps,
          meanContextTokens: target.load.contextTokens,
          meanGeneratedTokens: target.load.generatedTokens,
        },
        profile,
      );
      demand.setModel(
        run.prepared.section.name,
        run.current.rps,
        run.replicas.length,
        {
          rps: target.load.rps,
          gpuMemoryMiB: need.gpuMemoryMiB,
          gpuCompute: need.gpuCompute,
          replicas: need.replicas,
          method: target.method ?? "current-rate",
          backtestError: target.backtestError,
          horizonSeconds: inf.forecast.horizonSeconds,
          ts: nowMs,
        },
        nowMs,
      );
    }
    placeWaiting(k.now);
    recomputeServing();
    if (k.now + interval < end) k.scheduleAfter(interval, tick, null);
  });

  const placeWaiting = (now: number) => {
    const nowMs = now * 1000;
    for (const run of runs) {
      for (const r of run.replicas) {
        if (r.node !== null) continue;
        cluster.setContext(makeContext(config, { demand: demand.snapshot(nowMs), now: nowMs, policy }));
        const placement = cluster.place(r.pod);
        if (placement === null) continue;
        r.node = placement.node;
        r.device = deviceKey(placement.node, placement.allocation.devices[0].index);
        waits.add(now - r.createdAt);
        demand.notePlacement(placement.node, r.pod.model, r.memoryMiB, demand.expectedUtil(r.pod.model!), nowMs);
      }
    }
  };

  // Used GPUs per node tier: each service's need, split over the tiers its placed replicas run at.
  const usedByTier = (tier: number): number => {
    let sum = 0;
    for (const run of runs) {
      const placed = run.replicas.filter((r) => r.node !== null);
      if (placed.length === 0) {
        if (run.prepared.tier === tier) sum += run.used;
        continue;
      }
      const here = placed.filter((r) => cluster.node(r.node!)!.view.tier === tier).length;
      sum += (run.used * here) / placed.length;
    }
    return sum;
  };
  const usage = new UsageCollector(
    {
      tierCount: cluster.tierCount,
      provisionedGpus: () => cluster.poweredGpus,
      allocatedGpus: () => cluster.allocatedGpus,
      usedGpus: () => runs.reduce((sum, r) => sum + r.used, 0),
      provisionedGpusOfTier: (t) => cluster.poweredGpusOfTier(t),
      usedGpusOfTier: usedByTier,
    },
    warmup,
  );
  usage.attach(kernel);
  const slo = new SloCollector(
    { services: runs.length, demandRps: (i) => runs[i].current.rps, servedRps: (i) => serving.served[i] ?? 0 },
    warmup,
  );
  slo.attach(kernel);
  const replicaCount = new StepIntegral(warmup);
  kernel.observe((_t, _p, k) =>
    replicaCount.set(
      k.now,
      runs.reduce((sum, r) => sum + r.replicas.length, 0),
    ),
  );

  const series = new SeriesRecorder();
  const sample = kernel.defineEvent<null>("sample", (_, k) => {
    const used = runs.reduce((sum, r) => sum + r.used, 0);
    series.push(k.now - warmup, cluster.poweredGpus, cluster.allocatedGpus, used);
    if (k.now + inf.sampleSeconds < end) k.scheduleAfter(inf.sampleSeconds, sample, null, PRIORITY.late);
  });

  kernel.schedule(0, bin, 0, PRIORITY.urgent);
  kernel.schedule(0, tick, null);
  kernel.schedule(warmup, sample, null, PRIORITY.late);
  kernel.run(end);
  input.onProgress?.(1);

  for (const run of runs) for (const r of run.replicas) if (r.node === null) waits.add(end - r.createdAt);
  const totals = usage.finish(end);
  replicaCount.advance(end);
  const sloTotals = slo.finish(end);
  const metrics: Record<string, number> = {
    ...usageMetrics(totals),
    gpuAllocationRatio: totals.gpuHoursProvisioned > 0 ? totals.gpuHoursAllocated / totals.gpuHoursProvisioned : 0,
    sloViolationSeconds: sloTotals.violationSeconds.reduce((a, b) => a + b, 0),
    unservedRequestFraction:
      sloTotals.demandedRequests > 0 ? sloTotals.unservedRequests / sloTotals.demandedRequests : 0,
    meanReplicas: inf.durationSeconds > 0 ? replicaCount.total / inf.durationSeconds : 0,
    pendingSecondsMean: waits.mean(),
    pendingSecondsP95: waits.percentile(0.95),
    isolationViolations: cluster.isolationViolations,
    tierViolations: cluster.tierViolations,
    sharingViolations: cluster.sharingViolations,
  };
  const tierNames = config.tiers.map((t) => t.name);
  return { metrics, perTier: perTierUsage(totals, tierNames), series: series.series() };
}
