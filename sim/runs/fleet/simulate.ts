/**
 * One fleet run on the event kernel. Events: a load bin (every service's rate and request shape
 * change; at forecast step boundaries the step closes and the forecasts move on), a scaling
 * sync every tick (each service's replica count decided in O(1) from its current load, or its
 * forecast; replicas added or removed; only then are the new replicas placed), a replica becoming
 * ready (its cold start over), a node released (fleet-nodes.ts), and a series sample.
 *
 * Serving is fluid: a service's ready replicas carry its load up to their capacity, shared in
 * equal parts; replicas sharing a GPU share its compute, and are slowed alike when together they
 * ask for more than it has. Requests above what ready replicas serve are the SLO shortfall.
 * Nothing before the warm-up's end is counted.
 */
import type { NodeView, PodRequest } from "../../../src/cluster/types.js";
import { makeContext } from "../../../src/scoring/context.js";
import type { ScoringPolicy } from "../../../src/scoring/policy.js";
import { type EventHandle, Kernel, PRIORITY } from "../../engine/kernel.js";
import { SeriesRecorder } from "../../metrics/series-recorder.js";
import { perTierUsage, UsageCollector, usageMetrics } from "../../metrics/usage-collector.js";
import type { FleetScalingMode } from "../../scenario/fleet-schema.js";
import type { FleetScenario } from "../../scenario/types.js";
import { deviceKey, SimDemand } from "../inference/sim-demand.js";
import type { InferenceOutcome } from "../inference/simulate.js";
import { FleetNodes } from "./fleet-nodes.js";
import { Hpa } from "./hpa.js";
import { PeakForecast } from "./peak-forecast.js";
import { type FleetServicePlan, replicaPod } from "./prepare.js";
import { computeSecondsPerRequest, neededGpus, type RequestShape, replicaCapacityRps } from "./serving-model.js";

export interface FleetRunInput {
  readonly scenario: FleetScenario;
  readonly plans: readonly FleetServicePlan[];
  readonly policy: ScoringPolicy;
  readonly scaling: FleetScalingMode;
  readonly views: readonly NodeView[];
  readonly onProgress?: (fraction: number) => void;
}

/** A fleet run reports what an inference run does. */
export type FleetOutcome = InferenceOutcome;

interface Replica {
  readonly pod: PodRequest;
  placed: boolean;
  ready: boolean;
  /** Global device numbers of its GPUs (index into the per-device compute array). */
  devices: number[];
  readyEvent: EventHandle | null;
}

interface ServiceRun {
  readonly plan: FleetServicePlan;
  readonly replicas: Replica[];
  nextOrdinal: number;
  ready: number;
  readonly hpa: Hpa | null;
  readonly forecast: PeakForecast | null;
  /** Replicas for the busiest bin of the whole load (static-peak), and that bin's rate. */
  readonly peakReplicas: number;
  readonly peakRps: number;
  rps: number;
  shape: RequestShape;
  /** Requests/s one replica serves at the current shape, alone on its GPUs. */
  capacity: number;
  /** The same on average over its ready replicas, slowed where they share GPUs with busy neighbours. */
  effectiveCapacity: number;
  /** Replicas waiting for a place. */
  unplaced: number;
  served: number;
  needed: number;
  demanded: number;
  unserved: number;
  coldStarts: number;
}

export function simulateFleet(input: FleetRunInput): FleetOutcome {
  const { scenario, policy, scaling } = input;
  const fleet = scenario.fleet;
  const config = scenario.config;
  const warmup = fleet.warmupSeconds;
  const end = warmup + fleet.durationSeconds;
  const bins = Math.ceil(end / fleet.binSeconds);
  const kernel = new Kernel();
  const nodes = new FleetNodes(input.views, makeContext(config, { now: 0, policy }), fleet.nodes, kernel);
  const cluster = nodes.cluster;
  const usesDemand = policy.signals.some((s) => s.name === "liveDemand");
  const demand = new SimDemand(fleet.tickSeconds * 1000);

  // Every GPU of the pool gets a number, for the per-device compute array.
  const deviceBase = new Map<string, number>();
  let deviceCount = 0;
  for (const v of input.views) {
    deviceBase.set(v.name, deviceCount);
    deviceCount += v.gpus.length;
  }
  const deviceLoad = new Float64Array(deviceCount);

  const runs: ServiceRun[] = input.plans.map((plan) => {
    const shape = shapeAt(plan, 0);
    return {
      plan,
      replicas: [],
      nextOrdinal: 0,
      ready: 0,
      hpa:
        scaling === "static-peak"
          ? null
          : new Hpa({ ...fleet.reactive, minReplicas: plan.spec.minReplicas, maxReplicas: Number.MAX_SAFE_INTEGER }),
      forecast: scaling === "forecast" ? new PeakForecast(fleet.forecast) : null,
      peakReplicas: scaling === "static-peak" ? peakReplicas(plan, fleet.staticPeak.headroom) : 0,
      peakRps: Math.max(...plan.load.rps),
      rps: plan.load.rps[0],
      shape,
      capacity: replicaCapacityRps(plan.profile, plan.reservedMiB, shape),
      effectiveCapacity: 0,
      unplaced: 0,
      served: 0,
      needed: 0,
      demanded: 0,
      unserved: 0,
      coldStarts: 0,
    };
  });

  // --- serving and the SLO ---------------------------------------------------------------
  let counted = 0;
  let servingDirty = true;
  const accumulate = (now: number) => {
    const from = Math.max(counted, warmup);
    if (now > from) {
      const dt = now - from;
      for (const run of runs) {
        run.demanded += run.rps * dt;
        if (run.rps > run.served) run.unserved += (run.rps - run.served) * dt;
      }
    }
    counted = Math.max(counted, now);
  };
  const recomputeServing = () => {
    deviceLoad.fill(0);
    for (const run of runs) {
      if (run.ready === 0) continue;
      const each = Math.min(run.rps, run.ready * run.capacity) / run.ready;
      const compute = each * computeSecondsPerRequest(run.plan.profile, run.shape);
      for (const r of run.replicas) if (r.ready) for (const d of r.devices) deviceLoad[d] += compute;
    }
    for (const run of runs) {
      run.served = 0;
      run.effectiveCapacity = run.capacity;
      if (run.ready === 0) continue;
      const each = Math.min(run.rps, run.ready * run.capacity) / run.ready;
      let speed = 0;
      for (const r of run.replicas) {
        if (!r.ready) continue;
        let busiest = 1;
        for (const d of r.devices) if (deviceLoad[d] > busiest) busiest = deviceLoad[d];
        run.served += each / busiest;
        speed += 1 / busiest;
      }
      run.effectiveCapacity = (run.capacity * speed) / run.ready;
    }
    servingDirty = false;
  };

  // --- replicas ----------------------------------------------------------------------------
  const becomeReady = kernel.defineEvent<Replica>("replica-ready", (replica, k) => {
    accumulate(k.now);
    replica.ready = true;
    replica.readyEvent = null;
    runOf.get(replica)!.ready++;
    servingDirty = true;
  });
  const runOf = new Map<Replica, ServiceRun>();

  const addReplica = (run: ServiceRun) => {
    const replica: Replica = {
      pod: replicaPod(run.plan, run.nextOrdinal++),
      placed: false,
      ready: false,
      devices: [],
      readyEvent: null,
    };
    run.replicas.push(replica);
    run.unplaced++;
    runOf.set(replica, run);
  };
  /** Kubernetes' ReplicaSet order: unscheduled first, then not ready, then ready; newest first in each. */
  const removeReplicas = (run: ServiceRun, count: number) => {
    for (const stage of [0, 1, 2]) {
      for (let i = run.replicas.length - 1; i >= 0 && count > 0; i--) {
        const r = run.replicas[i];
        const rStage = !r.placed ? 0 : r.ready ? 2 : 1;
        if (rStage !== stage) continue;
        if (r.readyEvent !== null) kernel.cancel(r.readyEvent);
        if (r.placed) nodes.remove(r.pod.key);
        else run.unplaced--;
        if (r.ready) {
          run.ready--;
          servingDirty = true;
        }
        run.replicas.splice(i, 1);
        runOf.delete(r);
        count--;
      }
    }
  };

  /**
   * The HPA's metric is in-flight requests per replica: replicas slowed by busy neighbours hold
   * their requests longer, so it reads the load against the capacity they actually have.
   */
  const desiredReplicas = (run: ServiceRun, now: number): number => {
    if (run.hpa === null) return run.peakReplicas;
    const current = run.replicas.length;
    const capacity = run.ready > 0 ? run.effectiveCapacity : run.capacity;
    const reactiveWanted = run.rps / (fleet.reactive.targetUtilisation * capacity);
    if (run.forecast === null) return run.hpa.decide(now, current, reactiveWanted);
    const lead = run.plan.coldStartSeconds + fleet.nodes.provisioningSeconds + fleet.tickSeconds;
    const ahead = run.forecast.peakAhead(now, lead);
    const wanted = ahead === null ? reactiveWanted : Math.max(ahead, run.rps / capacity);
    return run.hpa.decide(now, current, wanted);
  };

  const placeWaiting = (now: number) => {
    let contextSet = false;
    for (const run of runs) {
      if (run.unplaced === 0) continue;
      for (const r of run.replicas) {
        if (r.placed) continue;
        if (!contextSet) {
          setPlacementContext(now);
          contextSet = true;
        }
        const placement = nodes.place(r.pod);
        if (placement === null) break; // the same pod fits nowhere: its siblings neither
        r.placed = true;
        run.unplaced--;
        const base = deviceBase.get(placement.node)!;
        r.devices = placement.allocation.devices.map((d) => base + d.index);
        r.readyEvent = kernel.schedule(placement.startAt + run.plan.coldStartSeconds, becomeReady, r);
        if (now >= warmup) run.coldStarts++;
        if (usesDemand) {
          // The next placement of this sync sees this one as pending load (the herd-effect guard).
          const gpus = run.plan.profile.gpusPerReplica;
          const util = demand.expectedUtil(r.pod.model!) * gpus;
          demand.notePlacement(placement.node, r.pod.model, run.plan.reservedMiB * gpus, util, now * 1000);
          setContext(now);
        }
      }
    }
  };
  /** The load the replicas are there for: the week's peak, the current load, or the forecast ahead. */
  const plannedRps = (run: ServiceRun, now: number): number => {
    if (scaling === "static-peak") return run.peakRps;
    const ahead = run.forecast?.peakAhead(now, run.plan.coldStartSeconds) ?? null;
    return ahead === null ? run.rps : Math.max(run.rps, ahead * run.capacity);
  };
  /**
   * Live demand as the extender would read it from Redis: a DCGM-style sample of the powered
   * nodes' GPUs (utilisation = the compute their replicas are asked for) and, per model, its
   * current rate with the compute one replica is expected to bring (the load shared over the
   * replicas the scaler wants), which device choice and the live-demand score read.
   */
  const setPlacementContext = (now: number) => {
    const nowMs = now * 1000;
    if (usesDemand) {
      if (servingDirty) recomputeServing();
      const util = new Map<string, number>();
      const powered = nodes.poweredStates();
      for (const state of powered) {
        const base = deviceBase.get(state.view.name)!;
        for (const g of state.view.gpus) {
          const load = deviceLoad[base + g.index];
          if (load > 0) util.set(deviceKey(state.view.name, g.index), load);
        }
      }
      demand.sample(nowMs, powered, util);
      // Every model: the pod being placed reads its own, and its would-be neighbours' replicas
      // are judged by theirs (device-load.ts).
      for (const run of runs) {
        const p = run.plan.profile;
        const gpuCompute = plannedRps(run, now) * computeSecondsPerRequest(p, run.shape) * p.gpusPerReplica;
        const replicas = Math.max(1, run.replicas.length);
        demand.setModel(
          run.plan.spec.name,
          run.rps,
          replicas,
          {
            rps: run.rps,
            gpuMemoryMiB: null,
            gpuCompute,
            replicas,
            method: scaling === "forecast" ? (run.forecast!.method ?? "current-rate") : "current-rate",
            backtestError: 0,
            horizonSeconds: fleet.tickSeconds,
            ts: nowMs,
          },
          nowMs,
        );
      }
    }
    setContext(now);
  };
  const setContext = (now: number) => {
    const nowMs = now * 1000;
    cluster.setContext(
      makeContext(config, { demand: usesDemand ? demand.snapshot(nowMs) : undefined, now: nowMs, policy }),
    );
  };

  // --- events ------------------------------------------------------------------------------
  const progressEvery = Math.max(1, Math.floor(bins / 100));
  const bin = kernel.defineEvent<number>("load-bin", (b, k) => {
    accumulate(k.now);
    const step = fleet.forecast.stepSeconds;
    if (scaling === "forecast" && k.now > 0 && k.now % step === 0) {
      for (const run of runs) run.forecast!.closeStep(k.now);
    }
    for (const run of runs) {
      run.rps = run.plan.load.rps[b];
      run.shape = shapeAt(run.plan, b);
      run.capacity = replicaCapacityRps(run.plan.profile, run.plan.reservedMiB, run.shape);
      run.needed = neededGpus(run.plan.profile, run.plan.deviceMiB, run.shape, run.rps);
      run.forecast?.observe(run.rps / run.capacity);
    }
    servingDirty = true;
    if (input.onProgress && b % progressEvery === 0) input.onProgress(k.now / end);
    if (b + 1 < bins) k.schedule((b + 1) * fleet.binSeconds, bin, b + 1, PRIORITY.urgent);
  });

  const tick = kernel.defineEvent<null>("scale", (_, k) => {
    accumulate(k.now);
    for (const run of runs) {
      const desired = desiredReplicas(run, k.now);
      const current = run.replicas.length;
      if (desired > current) for (let i = current; i < desired; i++) addReplica(run);
      else if (desired < current) removeReplicas(run, current - desired);
    }
    placeWaiting(k.now);
    if (k.now + fleet.tickSeconds < end) k.scheduleAfter(fleet.tickSeconds, tick, null);
  });

  let neededTotal = 0;
  const neededByTier = new Array<number>(cluster.tierCount).fill(0);
  kernel.observe(() => {
    if (servingDirty) recomputeServing();
    neededTotal = 0;
    neededByTier.fill(0);
    for (const run of runs) {
      neededTotal += run.needed;
      neededByTier[run.plan.tier] += run.needed;
    }
  });
  const usage = new UsageCollector(
    {
      tierCount: cluster.tierCount,
      provisionedGpus: () => nodes.poweredGpus,
      allocatedGpus: () => cluster.allocatedGpus,
      usedGpus: () => neededTotal,
      provisionedGpusOfTier: (t) => nodes.poweredGpusOfTier(t),
      usedGpusOfTier: (t) => neededByTier[t],
    },
    warmup,
  );
  usage.attach(kernel);
  let replicaSeconds = 0;
  let replicasAt = 0;
  let replicaCount = 0;
  kernel.observe((_t, _p, k) => {
    if (k.now > warmup) replicaSeconds += replicaCount * (k.now - Math.max(replicasAt, warmup));
    replicasAt = k.now;
    replicaCount = 0;
    for (const run of runs) replicaCount += run.replicas.length;
  });

  const series = new SeriesRecorder();
  const sample = kernel.defineEvent<null>("sample", (_, k) => {
    series.push(k.now - warmup, nodes.poweredGpus, cluster.allocatedGpus, neededTotal);
    if (k.now + fleet.sampleSeconds < end) k.scheduleAfter(fleet.sampleSeconds, sample, null, PRIORITY.late);
  });

  kernel.schedule(0, bin, 0, PRIORITY.urgent);
  kernel.schedule(0, tick, null);
  kernel.schedule(warmup, sample, null, PRIORITY.late);
  kernel.run(end);
  accumulate(end);
  if (end > replicasAt) replicaSeconds += replicaCount * (end - Math.max(replicasAt, warmup));
  input.onProgress?.(1);

  const totals = usage.finish(end);
  const sum = (f: (r: ServiceRun) => number, tier?: number) =>
    runs.reduce((acc, r) => (tier === undefined || r.plan.tier === tier ? acc + f(r) : acc), 0);
  const fraction = (tier?: number) => {
    const demanded = sum((r) => r.demanded, tier);
    return demanded > 0 ? sum((r) => r.unserved, tier) / demanded : 0;
  };
  const metrics: Record<string, number> = {
    ...usageMetrics(totals),
    sloViolationFraction: fraction(),
    unservedRequests: sum((r) => r.unserved),
    coldStarts: sum((r) => r.coldStarts),
    nodesPoweredOn: nodes.powerOns,
    meanReplicas: fleet.durationSeconds > 0 ? replicaSeconds / fleet.durationSeconds : 0,
    isolationViolations: cluster.isolationViolations,
    tierViolations: cluster.tierViolations,
    sharingViolations: cluster.sharingViolations,
  };
  const perTier = perTierUsage(
    totals,
    config.tiers.map((t) => t.name),
  );
  config.tiers.forEach((t, i) => {
    if (perTier[t.name] === undefined) return;
    perTier[t.name].sloViolationFraction = fraction(i);
    perTier[t.name].coldStarts = sum((r) => r.coldStarts, i);
  });
  return { metrics, perTier, series: series.series() };
}

function shapeAt(plan: FleetServicePlan, b: number): RequestShape {
  return { contextTokens: plan.load.contextTokens[b], generatedTokens: plan.load.generatedTokens[b] };
}

/** Replicas for the busiest bin of the whole load, plus headroom; at least the service's minimum. */
export function peakReplicas(plan: FleetServicePlan, headroom: number): number {
  let peak = 0;
  for (let b = 0; b < plan.load.rps.length; b++) {
    const cap = replicaCapacityRps(plan.profile, plan.reservedMiB, shapeAt(plan, b));
    peak = Math.max(peak, plan.load.rps[b] / cap);
  }
  return Math.max(plan.spec.minReplicas, Math.ceil(peak * (1 + headroom) - 1e-9));
}
