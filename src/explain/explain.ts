/**
 * `tierfit explain` without the I/O: a pod, nodes, the pods already on them and a demand
 * snapshot in; every node's verdict out, ranked the way the runner picks its winner. It calls
 * the same decide() the extender and the simulator call, so what it shows is what they do.
 */
import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { type ClaimLookup, claimLookupIn, claimNotes, podClaims } from "../cluster/dra-pod.js";
import { formatUnits } from "../cluster/gpu-units.js";
import { podRequestFromV1 } from "../cluster/pod-request.js";
import type { NodeState, PodRequest } from "../cluster/types.js";
import type { TierfitConfig } from "../config/schema.js";
import { makeContext, withClusterCpuPerGpu } from "../scoring/context.js";
import type { DemandSnapshot } from "../scoring/demand-snapshot.js";
import { decide } from "../scoring/runner.js";
import { buildClusterState } from "./cluster-state.js";
import { buildExplanation, type ExplainedDevices, type Explanation } from "./explanation.js";

/** `claims` as a lookup by namespace and name, as the extender's claim cache answers. */
function lookupIn(claims: readonly unknown[]): ClaimLookup {
  const byKey = new Map<string, unknown>();
  for (const c of claims) {
    const meta = (c as { metadata?: { name?: string; namespace?: string } }).metadata;
    byKey.set(`${meta?.namespace || "default"}/${meta?.name}`, c);
  }
  return claimLookupIn(byKey);
}

function explainDevices(node: NodeState): ExplainedDevices {
  const source = node.view.deviceSource ?? { kind: "config", detail: "" };
  return {
    node: node.view.name,
    source: source.kind,
    detail: source.detail,
    gpus: node.view.gpus.map((g, i) => {
      const d = node.devices[i];
      const name = g.draDevice?.split("/").pop() ?? `GPU ${g.index}`;
      const kind = [
        g.migProfile && `MIG ${g.migProfile}`,
        g.replicas && `${g.replicas} replicas`,
        g.passthroughResource && "passthrough",
      ]
        .filter(Boolean)
        .join(", ");
      const holders = [...new Set(d.occupants.map((o) => o.tenant))].join(", ");
      const memory =
        g.memoryMiB > 0 ? `${formatUnits(d.capacityUnits)}, ${formatUnits(d.freeUnits)} free` : "memory unknown";
      const held = holders ? `, held by ${holders}` : g.memoryMiB > 0 ? "" : ", free";
      return `${name} ${g.product}${kind ? ` (${kind})` : ""}: ${memory}${held}`;
    }),
  };
}

export interface ExplainInput {
  readonly config: TierfitConfig;
  readonly pod: V1Pod;
  readonly nodes: readonly V1Node[];
  readonly podsOnNodes: readonly V1Pod[];
  readonly demand: DemandSnapshot;
  /** resource.k8s.io/v1 ResourceSlices and ResourceClaims, for nodes and pods using DRA. */
  readonly resourceSlices?: readonly unknown[];
  readonly resourceClaims?: readonly unknown[];
  /** Add each node's devices and their source to the explanation. */
  readonly showDevices?: boolean;
  /** When the decision is made (ms since the epoch; default: the demand snapshot's time): live demand ages against it. */
  readonly now?: number;
}

/** The decision, in the shape scripts and the extender's /explain read, and the pod as tierfit read it. */
export interface ExplainResult {
  readonly request: PodRequest;
  readonly explanation: Explanation;
}

export function explainPlacement(input: ExplainInput): ExplainResult {
  const now = input.now ?? input.demand.takenAt;
  const ctx = makeContext(input.config, { demand: input.demand, now });
  const claims = input.resourceClaims ?? [];
  const read = podClaims(
    podRequestFromV1(input.pod, input.config),
    input.pod,
    lookupIn(claims),
    input.config.gpu.draDeviceClasses,
  );
  const request = read.request;
  const cluster = buildClusterState(input.nodes, input.podsOnNodes, ctx, input.resourceSlices ?? [], claims);
  const notes = [...cluster.notes, ...claimNotes(request, read.allocated)];
  if (read.missing.length > 0) {
    notes.push(
      `${read.missing.join(", ")} of pod ${request.key} ${read.missing.length === 1 ? "is" : "are"} not among the ResourceClaims given (--resource-claims): judged without ${read.missing.length === 1 ? "it" : "them"} (the extender answers an error until it sees every claim)`,
    );
  }
  const decision = decide(request, cluster.nodes, withClusterCpuPerGpu(ctx, cluster.cpuPerGpu));
  return {
    request,
    explanation: buildExplanation({
      pod: request,
      verb: "explain",
      decision,
      config: input.config,
      now,
      notes,
      devices: input.showDevices ? cluster.nodes.map(explainDevices) : undefined,
    }),
  };
}
