/**
 * `tierfit explain` without the I/O: a pod, nodes, the pods already on them and a demand
 * snapshot in; every node's verdict out, ranked the way the runner picks its winner. It calls
 * the same decide() the extender and the simulator call, so what it shows is what they do.
 */
import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { podRequestFromV1 } from "../cluster/pod-request.js";
import type { PodRequest } from "../cluster/types.js";
import { SIGNAL_NAMES, type SignalName, type TierfitConfig } from "../config/schema.js";
import { makeContext } from "../scoring/context.js";
import type { DemandSnapshot } from "../scoring/demand-snapshot.js";
import { decide } from "../scoring/runner.js";
import type { NodeDecision } from "../scoring/types.js";
import { buildClusterState } from "./cluster-state.js";

export interface ExplainInput {
  readonly config: TierfitConfig;
  readonly pod: V1Pod;
  readonly nodes: readonly V1Node[];
  readonly podsOnNodes: readonly V1Pod[];
  readonly demand: DemandSnapshot;
}

export interface NodeExplanation {
  readonly name: string;
  readonly passed: boolean;
  /** Why the node cannot take the pod; null when it passed. */
  readonly reason: string | null;
  /** Each signal's 0..10 score, two decimals; empty for a node that failed. */
  readonly signals: Readonly<Record<string, number>>;
  /** The integer 0..10 score the extender returns to kube-scheduler; null for a node that failed. */
  readonly score: number | null;
  /** The combined score before rounding, two decimals: it breaks ties between equal integer scores. */
  readonly rawScore: number | null;
}

export interface Explanation {
  readonly pod: PodRequest;
  readonly winner: string | null;
  /** Passing nodes best first (as the runner ranks them), then failing nodes in input order. */
  readonly nodes: readonly NodeExplanation[];
  readonly notes: readonly string[];
}

export function explainPlacement(input: ExplainInput): Explanation {
  const ctx = makeContext(input.config, { demand: input.demand });
  const pod = podRequestFromV1(input.pod, input.config);
  const cluster = buildClusterState(input.nodes, input.podsOnNodes, ctx);
  const decision = decide(pod, cluster.nodes, ctx);
  const passed = decision.nodes.filter((n) => n.passed).sort(ranking);
  const failed = decision.nodes.filter((n) => !n.passed);
  return {
    pod,
    winner: decision.winner,
    nodes: [...passed, ...failed].map(explainNode),
    notes: cluster.notes,
  };
}

/** The runner's order: integer score, then combined raw score, then name. */
function ranking(a: NodeDecision, b: NodeDecision): number {
  return b.score - a.score || b.rawScore - a.rawScore || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

function explainNode(n: NodeDecision): NodeExplanation {
  if (!n.passed)
    return {
      name: n.name,
      passed: false,
      reason: n.rejection?.reason ?? "rejected",
      signals: {},
      score: null,
      rawScore: null,
    };
  const signals: Record<string, number> = {};
  // The config's signal order first, so every node lists its scores alike.
  const names = [
    ...SIGNAL_NAMES.filter((s) => s in n.signals),
    ...Object.keys(n.signals).filter((s) => !SIGNAL_NAMES.includes(s as SignalName)),
  ];
  for (const name of names) {
    const value = n.signals[name];
    if (value !== undefined) signals[name] = round2(value);
  }
  return { name: n.name, passed: true, reason: null, signals, score: n.score, rawScore: round2(n.rawScore) };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** What `--output json` prints: exactly the winner and the nodes. */
export function explanationJson(e: Explanation): { winner: string | null; nodes: readonly NodeExplanation[] } {
  return { winner: e.winner, nodes: e.nodes };
}
