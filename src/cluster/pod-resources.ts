/**
 * A pod's effective requests, computed the way kube-scheduler does (`resource.PodRequests` in
 * k8s.io/component-helpers, used by NodeResourcesFit's computePodResourceRequest):
 *
 *   max( Σ containers + Σ restartable (sidecar) init containers,
 *        max over regular init containers i of (i + Σ sidecars declared before i) )
 *   then pod-level `spec.resources` replaces cpu/memory when set, then `spec.overhead` is added.
 *
 * A request missing where a limit is set takes the limit (the API server's defaulting, which
 * objects read from files have not been through). Amounts stay exact nano-unit integers until
 * the end, as Kubernetes sums exact quantities before rounding.
 */
import { clipText, TierfitError } from "../errors.js";
import { parseNanos } from "./quantity.js";
import { arrayAt, isObject, type JsonObject, objectAt, optionalStringAt } from "./v1-fields.js";

/** Resource name → nano-units. */
export type ResourceAmounts = Map<string, bigint>;

export interface WantedResource {
  readonly name: string;
  /** Extended resources such as GPUs come in whole units only. */
  readonly whole?: boolean;
}

/** Resources that pod-level `spec.resources` may set (PodLevelResources). */
const POD_LEVEL_RESOURCES = new Set(["cpu", "memory"]);
const NANOS_PER_UNIT = 1_000_000_000n;

/**
 * Effective requests of the `wanted` resources; others are not parsed (a malformed quantity
 * tierfit does not use is kube-apiserver's business). `at` names the pod in errors.
 */
export function podRequestedAmounts(spec: JsonObject, wanted: readonly WantedResource[], at: string): ResourceAmounts {
  const containers = arrayAt(spec.containers, `${at}, spec.containers`);
  if (containers.length === 0) throw new TierfitError("TF_ERR_INPUT", `${at} has no containers (spec.containers)`);
  const read = (block: unknown, field: string, only = wanted) => requestsOf(block, field, only, at);

  const total: ResourceAmounts = new Map();
  containers.forEach((c, i) => {
    add(total, read(containerResources(c, `spec.containers[${i}]`, at), `spec.containers[${i}].resources`));
  });

  const sidecars: ResourceAmounts = new Map();
  const initPeak: ResourceAmounts = new Map();
  arrayAt(spec.initContainers, `${at}, spec.initContainers`).forEach((c, i) => {
    const field = `spec.initContainers[${i}]`;
    const own = read(containerResources(c, field, at), `${field}.resources`);
    const restartPolicy = optionalStringAt((c as JsonObject).restartPolicy, `${at}, ${field}.restartPolicy`);
    if (restartPolicy === "Always") {
      // A sidecar runs for the pod's whole life, and beside every init container after it.
      add(total, own);
      add(sidecars, own);
      max(initPeak, sidecars);
    } else {
      const running = new Map(own);
      add(running, sidecars);
      max(initPeak, running);
    }
  });
  max(total, initPeak);

  const podLevel = read(
    spec.resources,
    "spec.resources",
    wanted.filter((w) => POD_LEVEL_RESOURCES.has(w.name)),
  );
  for (const [name, amount] of podLevel) total.set(name, amount);

  const overhead = objectAt(spec.overhead, `${at}, spec.overhead`) ?? {};
  for (const w of wanted) {
    const value = overhead[w.name];
    if (value !== undefined && value !== null) {
      add(total, new Map([[w.name, quantity(value, `spec.overhead.${w.name}`, w, at)]]));
    }
  }
  return total;
}

function containerResources(container: unknown, field: string, at: string): unknown {
  if (!isObject(container)) throw new TierfitError("TF_ERR_INPUT", `${at}, ${field} must be an object`);
  return container.resources;
}

/** Requests of one `resources` block, each missing request defaulting to its limit. */
function requestsOf(block: unknown, field: string, wanted: readonly WantedResource[], at: string): ResourceAmounts {
  const amounts: ResourceAmounts = new Map();
  const resources = objectAt(block, `${at}, ${field}`);
  if (!resources) return amounts;
  const requests = objectAt(resources.requests, `${at}, ${field}.requests`) ?? {};
  const limits = objectAt(resources.limits, `${at}, ${field}.limits`) ?? {};
  for (const w of wanted) {
    const request = requests[w.name];
    const limit = limits[w.name];
    if (request !== undefined && request !== null) {
      amounts.set(w.name, quantity(request, `${field}.requests.${w.name}`, w, at));
    } else if (limit !== undefined && limit !== null) {
      amounts.set(w.name, quantity(limit, `${field}.limits.${w.name}`, w, at));
    }
  }
  return amounts;
}

function quantity(value: unknown, field: string, wanted: WantedResource, at: string): bigint {
  const nanos = parseNanos(value as string | number, `${at}, ${field}`);
  if (wanted.whole && nanos % NANOS_PER_UNIT !== 0n) {
    throw new TierfitError(
      "TF_ERR_INPUT",
      `${at}, ${field}: ${clipText(JSON.stringify(value), 100)} is not a whole number`,
    );
  }
  return nanos;
}

function add(into: ResourceAmounts, from: ReadonlyMap<string, bigint>): void {
  for (const [name, amount] of from) into.set(name, (into.get(name) ?? 0n) + amount);
}

function max(into: ResourceAmounts, from: ReadonlyMap<string, bigint>): void {
  for (const [name, amount] of from) if (amount > (into.get(name) ?? 0n)) into.set(name, amount);
}
