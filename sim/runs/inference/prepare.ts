/**
 * The per-seed inputs of an inference run, built once and shared by every simulation of that seed
 * (the smallest-cluster search re-runs the same load on smaller clusters): each service's load
 * series, its serving profile with the device memory sizing assumes, and its tier.
 */
import { tierByName } from "../../../src/cluster/tier-match.js";
import { TierfitError } from "../../../src/errors.js";
import type { ModelProfile } from "../../../src/metrics/forecast/capacity.js";
import type { ServiceSection } from "../../scenario/schema.js";
import type { InferenceScenario } from "../../scenario/types.js";
import { type ServiceLoad, serviceLoad, TraceRates } from "./load-series.js";

export interface PreparedService {
  readonly section: ServiceSection;
  readonly profile: ModelProfile;
  readonly load: ServiceLoad;
  readonly tier: number;
}

export function prepareServices(scenario: InferenceScenario, seed: number): PreparedService[] {
  const inf = scenario.inference;
  const total = inf.warmupSeconds + inf.durationSeconds;
  const traces = new TraceRates(inf.binSeconds);
  return inf.services.map((svc) => {
    const source = traces.of(svc.trace);
    const { gpuMemoryMiB, ...rest } = svc.profile;
    return {
      section: svc,
      profile: { ...rest, gpuMemoryMiB: gpuMemoryMiB ?? serviceDeviceMemory(scenario, svc) },
      load: serviceLoad(svc, source, total, seed),
      tier: tierByName(scenario.config, svc.tier, `service ${svc.name}`, "TF_ERR_CONFIG"),
    };
  });
}

/** The smallest device among the node groups whose product the service accepts (the loader checked one exists). */
function serviceDeviceMemory(scenario: InferenceScenario, svc: ServiceSection): number {
  const table = scenario.config.gpu.productMemoryMiB;
  const sizes = scenario.cluster.nodes
    .filter((g) => g.gpus > 0 && (svc.gpuProducts.length === 0 || svc.gpuProducts.includes(g.product)))
    .map((g) => g.gpuMemoryMiB ?? table[g.product] ?? 0)
    .filter((m) => m > 0);
  if (sizes.length === 0) {
    throw new TierfitError("TF_ERR_CONFIG", `service ${svc.name}: no node group has a GPU it accepts`);
  }
  return Math.min(...sizes);
}
