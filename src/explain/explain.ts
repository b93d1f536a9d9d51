/**
 * `tierfit explain` without the I/O: a pod, nodes, the pods already on them and a demand
 * snapshot in; every node's verdict out, ranked the way the runner picks its winner. It calls
 * the same decide() the extender and the simulator call, so what it shows is what they do.
 */
import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { podRequestFromV1 } from "../cluster/pod-request.js";
import type { PodRequest } from "../cluster/types.js";
import type { TierfitConfig } from "../config/schema.js";
import { makeContext } from "../scoring/context.js";
import type { DemandSnapshot } from "../scoring/demand-snapshot.js";
import { decide } from "../scoring/runner.js";
import { buildClusterState } from "./cluster-state.js";
import { buildExplanation, type Explanation } from "./explanation.js";

export interface ExplainInput {
  readonly config: TierfitConfig;
  readonly pod: V1Pod;
  readonly nodes: readonly V1Node[];
  readonly podsOnNodes: readonly V1Pod[];
  readonly demand: DemandSnapshot;
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
  const request = podRequestFromV1(input.pod, input.config);
  const cluster = buildClusterState(input.nodes, input.podsOnNodes, ctx);
  const decision = decide(request, cluster.nodes, ctx);
  return {
    request,
    explanation: buildExplanation({
      pod: request,
      verb: "explain",
      decision,
      config: input.config,
      now,
      notes: cluster.notes,
    }),
  };
}
