/**
 * The per-seed inputs of a fleet run: each service's load over the run (the Azure trace's minute
 * pattern from a seeded phase, its daily cycle at its own peak hour, scaled to its mean rate, and
 * its weekend level), its serving profile, the GPU memory its pods reserve, its cold start and the
 * pod its replicas are made from.
 */
import { tierByName } from "../../../src/cluster/tier-match.js";
import type { PodRequest } from "../../../src/cluster/types.js";
import { TierfitError } from "../../../src/errors.js";
import { replicaPodRequest } from "../../cluster/sim-pods.js";
import type { FleetProfile, FleetService } from "../../scenario/fleet-schema.js";
import type { FleetScenario } from "../../scenario/types.js";
import { SECONDS_PER_DAY } from "../../workloads/diurnal.js";
import { type ServiceLoad, serviceLoad, TraceRates } from "../inference/load-series.js";
import { type RequestShape, reservedPerGpuMiB, weightsMiB } from "./serving-model.js";

export interface FleetServicePlan {
  readonly index: number;
  readonly spec: FleetService;
  readonly profile: FleetProfile;
  readonly tier: number;
  readonly load: ServiceLoad;
  /** Memory of the GPU product the profile runs on, MiB. */
  readonly deviceMiB: number;
  /** GPU memory each replica's pod reserves on each of its GPUs, MiB. */
  readonly reservedMiB: number;
  /** From a replica's start to serving: startup plus weights / bandwidth. */
  readonly coldStartSeconds: number;
  /** The replicas' pod, without its name (each replica adds its own). */
  readonly pod: PodRequest;
}

/** Days 5 and 6 of each week (the run starts on a Monday at midnight). */
export function isWeekend(t: number): boolean {
  const day = Math.floor(t / SECONDS_PER_DAY) % 7;
  return day === 5 || day === 6;
}

export function prepareFleet(scenario: FleetScenario, seed: number): FleetServicePlan[] {
  const fleet = scenario.fleet;
  const config = scenario.config;
  const total = fleet.warmupSeconds + fleet.durationSeconds;
  const traces = new TraceRates(fleet.binSeconds);
  return fleet.services.map((spec, index) => {
    const load = withWeekends(serviceLoad(spec, traces.of(spec.trace), total, seed), spec.weekendFactor);
    const profile = fleet.profiles[spec.profile];
    const deviceMiB = deviceMemory(scenario, profile);
    const wholeDevice = fleet.passthroughTiers.includes(spec.tier);
    const reservedMiB = reservedPerGpuMiB(profile, deviceMiB, meanShape(load), wholeDevice);
    const base = replicaPodRequest(
      {
        service: spec.name,
        ordinal: 0,
        gpuMemoryMiB: reservedMiB,
        tier: spec.tier,
        tenant: spec.tenant,
        cpu: profile.cpu,
        memoryGiB: profile.memoryGiB,
        gpuProducts: [profile.product],
        workloadClass: spec.workloadClass,
      },
      config,
    );
    const pod: PodRequest = {
      ...base,
      gpuCount: profile.gpusPerReplica,
      gpuMemory: wholeDevice ? { kind: "milli", milli: 1000 } : base.gpuMemory,
    };
    return {
      index,
      spec,
      profile,
      tier: tierByName(config, spec.tier, `service ${spec.name}`, "TF_ERR_CONFIG"),
      load,
      deviceMiB,
      reservedMiB,
      coldStartSeconds: coldStartSeconds(profile, fleet.coldStart),
      pod,
    };
  });
}

export function coldStartSeconds(
  profile: Pick<FleetProfile, "paramsBillion" | "bytesPerParam">,
  coldStart: { readonly bandwidthMiBPerSecond: number; readonly startupSeconds: number },
): number {
  return coldStart.startupSeconds + weightsMiB(profile) / coldStart.bandwidthMiBPerSecond;
}

/** The replica pod of ordinal `n`: same request, its own name. */
export function replicaPod(plan: FleetServicePlan, n: number): PodRequest {
  const name = `${plan.spec.name}-${n}`;
  return { ...plan.pod, key: `${plan.pod.namespace}/${name}`, name, uid: `${plan.pod.namespace}.${name}` };
}

/** Mean tokens per request over the whole load: what the pods' KV cache reservation is sized for. */
function meanShape(load: ServiceLoad): RequestShape {
  let requests = 0;
  let context = 0;
  let generated = 0;
  for (let b = 0; b < load.rps.length; b++) {
    requests += load.rps[b];
    context += load.rps[b] * load.contextTokens[b];
    generated += load.rps[b] * load.generatedTokens[b];
  }
  return requests > 0
    ? { contextTokens: context / requests, generatedTokens: generated / requests }
    : { contextTokens: 0, generatedTokens: 0 };
}

function withWeekends(load: ServiceLoad, factor: number): ServiceLoad {
  if (factor === 1) return load;
  const rps = Float64Array.from(load.rps, (r, b) => (isWeekend((b + 0.5) * load.binSeconds) ? r * factor : r));
  return { ...load, rps };
}

function deviceMemory(scenario: FleetScenario, profile: FleetProfile): number {
  const group = scenario.cluster.nodes.find((g) => g.product === profile.product && g.gpus > 0);
  const mib = group?.gpuMemoryMiB ?? scenario.config.gpu.productMemoryMiB[profile.product];
  if (!(mib > 0)) throw new TierfitError("TF_ERR_CONFIG", `GPU product ${profile.product} has no known memory`);
  return mib;
}
