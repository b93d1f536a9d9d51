/**
 * A v1 Node (and the node's GPUs from DRA ResourceSlices, if any) → the core's NodeView:
 * allocatable resources, its GPU devices and where they came from (device-inventory.ts), the
 * isolation tier and why the node has it.
 */
import type { V1Node } from "@kubernetes/client-node";
import type { TierfitConfig } from "../config/schema.js";
import { TierfitError } from "../errors.js";
import { nodeDevices } from "./device-inventory.js";
import type { DraGpu } from "./dra-slices.js";
import { MAX_GPUS_PER_NODE, MAX_NAME_LENGTH } from "./limits.js";
import { parseBytes, parseMilliCpu, parseNanos } from "./quantity.js";
import { tierByName, tierForRuntimeLabels } from "./tier-match.js";
import type { NodeView } from "./types.js";
import { boundedAt, isObject, type JsonObject, objectAt, requiredStringAt, stringMapAt } from "./v1-fields.js";

const NANOS_PER_UNIT = 1_000_000_000n;

export function nodeViewFromV1(node: V1Node, config: TierfitConfig, draGpus?: readonly DraGpu[]): NodeView {
  const raw: unknown = node;
  if (!isObject(raw)) throw new TierfitError("TF_ERR_INPUT", "a node must be a JSON object");
  const meta = objectAt(raw.metadata, "node metadata") ?? {};
  const name = boundedAt(requiredStringAt(meta.name, "node metadata.name"), MAX_NAME_LENGTH, "node metadata.name");
  const at = `node ${name}`;
  const labels = { ...stringMapAt(meta.labels, `${at}, metadata.labels`) };
  const spec = objectAt(raw.spec, `${at}, spec`) ?? {};
  const resources = nodeResources(raw, at);

  const devices = nodeDevices({ labels, count: (r) => resources.gpuCount(r) }, draGpus, config, at);

  const { tier, tierSource } = nodeTier(labels, config, at);
  const unschedulable = spec.unschedulable;
  if (unschedulable !== undefined && unschedulable !== null && typeof unschedulable !== "boolean") {
    throw new TierfitError("TF_ERR_INPUT", `${at}, spec.unschedulable must be true or false`);
  }
  return {
    name,
    labels,
    allocatable: {
      milliCpu: resources.read("cpu", parseMilliCpu),
      memoryBytes: resources.read("memory", parseBytes),
      pods: resources.read("pods", parseBytes),
    },
    gpus: devices.gpus,
    tier,
    tierSource,
    unschedulable: unschedulable === true,
    deviceSource: devices.source,
    passthrough: devices.passthrough,
  };
}

/** status.allocatable, resource by resource falling back to status.capacity (older or partial objects). */
function nodeResources(raw: JsonObject, at: string) {
  const status = objectAt(raw.status, `${at}, status`) ?? {};
  const allocatable = objectAt(status.allocatable, `${at}, status.allocatable`) ?? {};
  const capacity = objectAt(status.capacity, `${at}, status.capacity`) ?? {};
  const lookup = (resource: string): { value: string | number; where: string } | undefined => {
    for (const [field, list] of [
      ["allocatable", allocatable],
      ["capacity", capacity],
    ] as const) {
      const value = list[resource];
      if (value !== undefined && value !== null)
        return { value: value as string | number, where: `${at}, status.${field}.${resource}` };
    }
    return undefined;
  };
  return {
    read(resource: string, parse: (value: string | number, where: string) => number): number {
      const found = lookup(resource);
      return found ? parse(found.value, found.where) : 0;
    },
    gpuCount(resource: string): number {
      const found = lookup(resource);
      if (!found) return 0;
      const nanos = parseNanos(found.value, found.where);
      if (nanos % NANOS_PER_UNIT !== 0n) {
        throw new TierfitError(
          "TF_ERR_INPUT",
          `${found.where}: a GPU count must be a whole number, got ${found.value}`,
        );
      }
      const count = nanos / NANOS_PER_UNIT;
      if (count > BigInt(MAX_GPUS_PER_NODE)) {
        throw new TierfitError(
          "TF_ERR_INPUT",
          `${found.where}: ${count.toLocaleString("en-US")} GPUs is more than tierfit models on one node (at most ${MAX_GPUS_PER_NODE.toLocaleString("en-US")})`,
        );
      }
      return Number(count);
    },
  };
}

function nodeTier(labels: Readonly<Record<string, string>>, config: TierfitConfig, at: string) {
  const labelKey = config.tierSources.nodeLabel;
  const named = labels[labelKey];
  if (named !== undefined) {
    return { tier: tierByName(config, named, `${at}, label ${labelKey}`), tierSource: `label ${labelKey}=${named}` };
  }
  const runtime = tierForRuntimeLabels(config, labels);
  if (runtime) return { tier: runtime.tier, tierSource: `runtime label ${runtime.matched}` };
  return { tier: 0, tierSource: "default: weakest tier" };
}
