/**
 * A v1 Pod → the core's PodRequest: effective requests (see pod-resources.ts), GPUs and the GPU
 * memory each device must give, the isolation tier the pod needs and the one it runs at, tenant,
 * model and class.
 */
import type { V1Pod } from "@kubernetes/client-node";
import type { TierfitConfig } from "../config/schema.js";
import { TierfitError } from "../errors.js";
import { MAX_GPUS_PER_POD, MAX_LABEL_VALUE_LENGTH, MAX_NAME_LENGTH, MAX_READ_ANNOTATION_LENGTH } from "./limits.js";
import { MODEL_KEY, podModel } from "./pod-model.js";
import { podRequestedAmounts } from "./pod-resources.js";
import { nanosToMilli, nanosToNumber, nanosToWhole, parseNanos } from "./quantity.js";
import { podTenant } from "./tenant.js";
import { globMatches, tierByName, tierForRuntimeClass } from "./tier-match.js";
import type { GpuMemoryRequest, PodRequest } from "./types.js";
import {
  arrayAt,
  boundedAt,
  isObject,
  type JsonObject,
  objectAt,
  optionalStringAt,
  requiredStringAt,
  stringMapAt,
} from "./v1-fields.js";

const MIG_RESOURCE_PREFIX = "nvidia.com/mig-";
export const WORKLOAD_CLASS_LABEL = "tierfit.io/workload-class";
/** GPU memory per device as a quantity ("20Gi"). */
export const GPU_MEMORY_ANNOTATION = "tierfit.io/gpu-memory";
/** Share of each device ("0.5" or "500m"): the simulator's and the FGD traces' form. */
export const GPU_FRACTION_ANNOTATION = "tierfit.io/gpu-fraction";
/** Comma list of acceptable GPU products. */
export const GPU_PRODUCTS_ANNOTATION = "tierfit.io/gpu-products";

const BYTES_PER_MIB = 1024 * 1024;

export function podRequestFromV1(pod: V1Pod, config: TierfitConfig): PodRequest {
  const raw: unknown = pod;
  if (!isObject(raw)) throw new TierfitError("TF_ERR_INPUT", "a pod must be a JSON object");
  const meta = objectAt(raw.metadata, "pod metadata") ?? {};
  const name = boundedAt(requiredStringAt(meta.name, "pod metadata.name"), MAX_NAME_LENGTH, "pod metadata.name");
  const namespace =
    boundedAt(
      optionalStringAt(meta.namespace, `pod ${name}, metadata.namespace`),
      MAX_LABEL_VALUE_LENGTH,
      `pod ${name}, metadata.namespace`,
    ) || "default";
  const at = `pod ${namespace}/${name}`;
  const uid = boundedAt(
    optionalStringAt(meta.uid, `${at}, metadata.uid`) ?? "",
    MAX_NAME_LENGTH,
    `${at}, metadata.uid`,
  );
  const labels = stringMapAt(meta.labels, `${at}, metadata.labels`);
  const annotations = readAnnotations(stringMapAt(meta.annotations, `${at}, metadata.annotations`, false), config, at);
  const spec = objectAt(raw.spec, `${at}, spec`) ?? {};

  const gpuResource = config.gpu.resourceName;
  const gpuResources = [gpuResource, config.gpu.passthrough.resourceName, ...migResourcesOf(spec, at)];
  const amounts = podRequestedAmounts(
    spec,
    [{ name: "cpu" }, { name: "memory" }, ...gpuResources.map((name) => ({ name, whole: true }))],
    at,
  );
  const runtimeClassName = boundedAt(
    optionalStringAt(spec.runtimeClassName, `${at}, spec.runtimeClassName`),
    MAX_NAME_LENGTH,
    `${at}, spec.runtimeClassName`,
  );
  const gpus = gpuResources
    .map((name) => ({ name, count: nanosToWhole(amounts.get(name) ?? 0n) }))
    .filter((r) => r.count > 0);
  if (gpus.length > 1) {
    throw new TierfitError(
      "TF_ERR_INPUT",
      `${at} requests ${gpus.map((r) => r.name).join(" and ")}; tierfit places one kind of GPU per pod`,
    );
  }
  const gpuCount = gpus[0]?.count ?? 0;
  if (gpuCount > MAX_GPUS_PER_POD) {
    throw new TierfitError(
      "TF_ERR_INPUT",
      `${at} requests ${gpuCount.toLocaleString("en-US")} ${gpus[0].name}; tierfit places at most ${MAX_GPUS_PER_POD.toLocaleString("en-US")} GPUs per pod (all on one node)`,
    );
  }
  const { tier, tierSource } = podTier(runtimeClassName, annotations, config, at);
  // What the pod runs at, not what it asks for: only this lets it share a GPU across tenants.
  const sharingTier = runtimeClassName ? (tierForRuntimeClass(config, runtimeClassName)?.tier ?? 0) : 0;
  const migProfile = gpus[0]?.name.startsWith(MIG_RESOURCE_PREFIX)
    ? gpus[0].name.slice(MIG_RESOURCE_PREFIX.length)
    : undefined;
  const exclusive =
    gpus[0]?.name === config.gpu.passthrough.resourceName ||
    config.tiers[tier]?.gpuSharing === "exclusive" ||
    (runtimeClassName !== undefined &&
      config.gpu.passthrough.runtimeClasses.some((p) => globMatches(p, runtimeClassName)));
  const draClaims = claimNames(spec, at);
  const workloadClass = labels[WORKLOAD_CLASS_LABEL];

  return {
    key: `${namespace}/${name}`,
    namespace,
    name,
    uid,
    gpuCount,
    gpuMemory: gpuMemoryRequest(annotations, at),
    resources: {
      milliCpu: nanosToMilli(amounts.get("cpu") ?? 0n),
      memoryBytes: nanosToWhole(amounts.get("memory") ?? 0n),
      pods: 1,
    },
    tier,
    tierSource,
    sharingTier,
    ...(runtimeClassName ? { runtimeClassName } : {}),
    tenant: podTenant(namespace, labels, config),
    model: podModel(labels, annotations, config),
    workloadClass: workloadClass && Object.hasOwn(config.workloadClasses, workloadClass) ? workloadClass : "default",
    gpuProducts: (annotations[GPU_PRODUCTS_ANNOTATION] ?? "")
      .split(",")
      .map((p) => p.trim())
      .filter((p) => p !== ""),
    ...(exclusive && gpuCount > 0 ? { exclusive: true } : {}),
    ...(gpus[0]?.name === config.gpu.passthrough.resourceName ? { passthroughResource: true as const } : {}),
    ...(migProfile === undefined ? {} : { migProfile }),
    ...(draClaims.length > 0 ? { draClaims } : {}),
  };
}

/** Extended resources of MIG slices (`nvidia.com/mig-3g.40gb`) any container names. */
function migResourcesOf(spec: JsonObject, at: string): string[] {
  const names = new Set<string>();
  for (const field of ["containers", "initContainers"] as const) {
    for (const c of arrayAt(spec[field], `${at}, spec.${field}`)) {
      const resources = isObject(c) && isObject(c.resources) ? c.resources : {};
      for (const block of [resources.limits, resources.requests]) {
        if (!isObject(block)) continue;
        for (const key of Object.keys(block)) if (key.startsWith(MIG_RESOURCE_PREFIX)) names.add(key);
      }
    }
  }
  if (names.size > 8) throw new TierfitError("TF_ERR_INPUT", `${at} names ${names.size} MIG resources; at most 8`);
  return [...names].sort();
}

/** `spec.resourceClaims[].name`: the pod's Dynamic Resource Allocation claims. */
function claimNames(spec: JsonObject, at: string): string[] {
  return arrayAt(spec.resourceClaims, `${at}, spec.resourceClaims`).map((c, i) =>
    boundedAt(
      requiredStringAt(isObject(c) ? c.name : undefined, `${at}, spec.resourceClaims[${i}].name`),
      MAX_NAME_LENGTH,
      `${at}, spec.resourceClaims[${i}].name`,
    ),
  );
}

/** The annotations tierfit reads, each held to MAX_READ_ANNOTATION_LENGTH (they are quoted in reasons). */
function readAnnotations(
  annotations: Readonly<Record<string, string>>,
  config: TierfitConfig,
  at: string,
): Readonly<Record<string, string>> {
  for (const key of [
    GPU_MEMORY_ANNOTATION,
    GPU_FRACTION_ANNOTATION,
    GPU_PRODUCTS_ANNOTATION,
    MODEL_KEY,
    config.tierSources.podAnnotation,
  ]) {
    boundedAt(annotations[key], MAX_READ_ANNOTATION_LENGTH, `${at}, annotation ${key}`);
  }
  return annotations;
}

/** An absolute amount (`tierfit.io/gpu-memory`), a share (`tierfit.io/gpu-fraction`), or the whole device. */
function gpuMemoryRequest(annotations: Readonly<Record<string, string>>, at: string): GpuMemoryRequest {
  const memory = annotations[GPU_MEMORY_ANNOTATION];
  const fraction = annotations[GPU_FRACTION_ANNOTATION];
  if (memory !== undefined && fraction !== undefined) {
    throw new TierfitError(
      "TF_ERR_INPUT",
      `${at} sets both ${GPU_MEMORY_ANNOTATION} and ${GPU_FRACTION_ANNOTATION}; use one of them`,
    );
  }
  if (memory !== undefined) {
    const where = `${at}, annotation ${GPU_MEMORY_ANNOTATION}`;
    const bytes = nanosToNumber(parseNanos(memory, where));
    if (bytes <= 0) throw new TierfitError("TF_ERR_INPUT", `${where}: "${memory}" must be more than 0 (e.g. 20Gi)`);
    return { kind: "mib", mib: bytes / BYTES_PER_MIB };
  }
  if (fraction !== undefined) {
    const where = `${at}, annotation ${GPU_FRACTION_ANNOTATION}`;
    const milli = nanosToMilli(parseNanos(fraction, where));
    if (milli <= 0 || milli > 1000) {
      throw new TierfitError(
        "TF_ERR_INPUT",
        `${where}: "${fraction}" must be above 0 and at most 1 (e.g. 0.5 or 500m)`,
      );
    }
    return { kind: "milli", milli };
  }
  return { kind: "milli", milli: 1000 };
}

/** The stronger of what the RuntimeClass implies and what the annotation asks for. */
function podTier(
  runtimeClassName: string | undefined,
  annotations: Readonly<Record<string, string>>,
  config: TierfitConfig,
  at: string,
): { tier: number; tierSource: string } {
  const key = config.tierSources.podAnnotation;
  const named = annotations[key];
  const fromAnnotation =
    named === undefined
      ? null
      : { tier: tierByName(config, named, `${at}, annotation ${key}`), source: `annotation ${key}=${named}` };
  const match = runtimeClassName ? tierForRuntimeClass(config, runtimeClassName) : null;
  const fromRuntime = match
    ? { tier: match.tier, source: `runtimeClassName ${runtimeClassName} (matches ${match.matched})` }
    : null;

  if (fromAnnotation && fromRuntime) {
    if (fromAnnotation.tier === fromRuntime.tier) {
      return { tier: fromRuntime.tier, tierSource: `${fromRuntime.source} and ${fromAnnotation.source}` };
    }
    const stronger = fromAnnotation.tier > fromRuntime.tier ? fromAnnotation : fromRuntime;
    return { tier: stronger.tier, tierSource: stronger.source };
  }
  const only = fromAnnotation ?? fromRuntime;
  if (only) return { tier: only.tier, tierSource: only.source };
  const unmatched = runtimeClassName ? ` (runtimeClassName ${runtimeClassName} matches no tier)` : "";
  return { tier: 0, tierSource: `default: weakest tier${unmatched}` };
}
