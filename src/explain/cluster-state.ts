/**
 * The cluster `tierfit explain` scores against: nodes from a file, and what the pods already
 * bound to them hold. A pod's devices come from its `tierfit.io/gpu-devices` annotation when it
 * has one; a pod without it (bound by something else, or before tierfit) is placed the way
 * tierfit would place it, and a note says so, because the numbers then rest on that guess.
 */
import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { GPU_DEVICES_ANNOTATION, parseDeviceAnnotation } from "../cluster/device-annotation.js";
import { claimAllocation } from "../cluster/dra-claims.js";
import { draGpusByNode } from "../cluster/dra-slices.js";
import { formatUnits } from "../cluster/gpu-units.js";
import { AllocationLedger } from "../cluster/ledger.js";
import { nodeViewFromV1 } from "../cluster/node-view.js";
import { podRequestFromV1 } from "../cluster/pod-request.js";
import type { DeviceAssignment, NodeState, PodRequest } from "../cluster/types.js";
import { TierfitError } from "../errors.js";
import { chooseDevices } from "../scoring/device-choice.js";
import { effectiveTenant } from "../scoring/tenancy.js";
import type { ScoringContext } from "../scoring/types.js";

export interface ClusterState {
  readonly nodes: readonly NodeState[];
  /** What a reader should know about how the state was built (guessed placements, skipped pods). */
  readonly notes: readonly string[];
  /** AllocationLedger.cpuPerGpu of the state built. */
  readonly cpuPerGpu: number;
}

/** Phases in which a pod no longer holds its node's resources. */
const FINISHED = new Set(["Succeeded", "Failed"]);

export function buildClusterState(
  nodes: readonly V1Node[],
  pods: readonly V1Pod[],
  ctx: ScoringContext,
  resourceSlices: readonly unknown[] = [],
  resourceClaims: readonly unknown[] = [],
): ClusterState {
  const ledger = new AllocationLedger();
  const names: string[] = [];
  const dra = draGpusByNode(resourceSlices, ctx.config.gpu.draDriver);
  for (const node of nodes) {
    const view = nodeViewFromV1(node, ctx.config, dra.get(node.metadata?.name ?? ""));
    if (ledger.node(view.name)) throw new TierfitError("TF_ERR_INPUT", `node ${view.name} is listed twice`);
    ledger.upsertNode(view);
    names.push(view.name);
  }
  const notes: string[] = [];
  for (const claim of resourceClaims) {
    const alloc = claimAllocation(claim, ctx.config.gpu.draDriver, (n) => ledger.node(n)?.view);
    if (alloc) ledger.restore(alloc);
  }
  const unannotated: { pod: PodRequest; node: string }[] = [];

  // Annotated pods first: they are the record of what was bound; the guesses fill in around them.
  for (const v1 of pods) {
    const pod = podRequestFromV1(v1, ctx.config);
    const node = v1.spec?.nodeName;
    const phase = v1.status?.phase;
    if (!node) {
      notes.push(`pod ${pod.key} is not bound to a node (no spec.nodeName); ignored`);
      continue;
    }
    if (phase && FINISHED.has(phase)) {
      notes.push(`pod ${pod.key} on ${node} has finished (${phase}) and holds nothing; ignored`);
      continue;
    }
    if (!ledger.node(node)) {
      notes.push(`pod ${pod.key} is bound to ${node}, which is not in the nodes file; ignored`);
      continue;
    }
    const annotation = v1.metadata?.annotations?.[GPU_DEVICES_ANNOTATION];
    if (annotation !== undefined) {
      ledger.restore(allocation(pod, node, parseDeviceAnnotation(annotation, `pod ${pod.key}, annotation`)));
    } else if (pod.gpuCount === 0 || pod.draClaims !== undefined) {
      // A DRA pod's devices are its claims' allocations, recorded above.
      ledger.restore(allocation(pod, node, []));
    } else {
      unannotated.push({ pod, node });
    }
  }

  for (const { pod, node } of unannotated) {
    const choice = chooseDevices(pod, ledger.node(node)!, ctx);
    if (Array.isArray(choice)) {
      ledger.restore(allocation(pod, node, choice));
      notes.push(
        `pod ${pod.key} on ${node} has no ${GPU_DEVICES_ANNOTATION} annotation; assumed on ${describe(choice)}, where tierfit would place it`,
      );
    } else {
      ledger.restore(allocation(pod, node, []));
      notes.push(
        `pod ${pod.key} on ${node} has no ${GPU_DEVICES_ANNOTATION} annotation and fits no GPU there (${choice.reason}); counted for CPU and memory only`,
      );
    }
  }
  for (const conflict of ledger.conflicts()) notes.push(`the pods on the nodes overcommit: ${conflict}`);

  // Keep the nodes file's order: it is the order a reader expects the verdicts in.
  return { nodes: names.map((n) => ledger.node(n)!), notes, cpuPerGpu: ledger.cpuPerGpu() };
}

function allocation(pod: PodRequest, node: string, devices: readonly DeviceAssignment[]) {
  return {
    podKey: pod.key,
    node,
    tenant: effectiveTenant(pod),
    sharingTier: pod.sharingTier,
    model: pod.model,
    milliCpu: pod.resources.milliCpu,
    memoryBytes: pod.resources.memoryBytes,
    devices,
  };
}

/** "GPU 1 (56 GiB)", "GPUs 0, 1 (40 GiB each)". */
function describe(devices: readonly DeviceAssignment[]): string {
  const indices = devices.map((d) => d.index).join(", ");
  const sizes = [...new Set(devices.map((d) => formatUnits(d.units)))];
  const size = sizes.length === 1 ? `${sizes[0]}${devices.length > 1 ? " each" : ""}` : sizes.join(" + ");
  return `${devices.length === 1 ? "GPU" : "GPUs"} ${indices} (${size})`;
}
