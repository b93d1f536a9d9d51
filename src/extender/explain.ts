/**
 * What /explain/:namespace/:pod answers: the last decision the extender made for a pod, per node
 * (why it failed, or each signal's score), plus the device assignment if it was bound. Records
 * are built from the core's Decision, made when asked (decision-recorder.ts keeps its inputs).
 */
import { formatRequest, formatUnits } from "../cluster/gpu-units.js";
import type { Allocation, PodRequest } from "../cluster/types.js";
import { SIGNAL_NAMES, type TierfitConfig } from "../config/schema.js";
import type { NodeExplanation } from "../explain/explain.js";
import type { Decision, NodeDecision, Rejection } from "../scoring/types.js";

/**
 * One node, as `tierfit explain --output json` lists it (name, passed, reason, signals, score),
 * plus what the extender adds: the rejecting signal, whether preemption could help, and the
 * integer score kube-scheduler received.
 */
export interface ExplainNode extends NodeExplanation {
  /** The signal that rejected the node ("cache" when tierfit did not know it). */
  readonly rejectedBy: string | null;
  readonly unresolvable: boolean;
  /** Integer 0..10 sent to kube-scheduler (0 for a node that failed). */
  readonly kubeScore: number;
}

export interface ExplainBinding {
  readonly node: string;
  readonly devices: readonly { readonly index: number; readonly memory: string }[];
  readonly at: string;
}

export interface ExplainRecord {
  readonly pod: string;
  readonly uid: string;
  readonly verb: "filter" | "prioritize";
  readonly at: string;
  readonly request: {
    readonly gpuCount: number;
    readonly gpuMemory: string;
    readonly tier: string;
    readonly tenant: string;
    readonly model: string | null;
    readonly workloadClass: string;
  };
  readonly winner: string | null;
  readonly nodes: readonly ExplainNode[];
  readonly binding: ExplainBinding | null;
}

export interface ExtraFailure {
  readonly node: string;
  readonly rejection: Rejection;
}

/** The runner's order, as `tierfit explain` ranks: integer score, then combined raw score, then name. */
function ranking(a: NodeDecision, b: NodeDecision): number {
  return b.score - a.score || b.rawScore - a.rawScore || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function explainNode(n: NodeDecision): ExplainNode {
  const signals: Record<string, number> = {};
  // The config's signal order first, as `tierfit explain` lists them.
  const known: readonly string[] = SIGNAL_NAMES;
  const names = [...known.filter((s) => s in n.signals), ...Object.keys(n.signals).filter((s) => !known.includes(s))];
  for (const name of names) {
    const value = n.signals[name];
    if (value !== undefined) signals[name] = round2(value);
  }
  return {
    name: n.name,
    passed: n.passed,
    reason: n.rejection?.reason ?? null,
    signals,
    score: n.passed ? round2(n.rawScore) : null,
    rawScore: n.passed ? round2(n.rawScore) : null,
    rejectedBy: n.rejection?.signal ?? null,
    unresolvable: n.rejection?.unresolvable ?? false,
    kubeScore: n.score,
  };
}

function failureNode(f: ExtraFailure): ExplainNode {
  const r = f.rejection;
  return {
    name: f.node,
    passed: false,
    reason: r.reason,
    signals: {},
    score: null,
    rawScore: null,
    rejectedBy: r.signal,
    unresolvable: r.unresolvable,
    kubeScore: 0,
  };
}

/** Passing nodes best first, then failing nodes in request order, then nodes the core never saw. */
export function explainRecord(
  pod: PodRequest,
  verb: "filter" | "prioritize",
  decision: Decision,
  extraFailures: readonly ExtraFailure[],
  config: TierfitConfig,
  now: number,
): ExplainRecord {
  const passed = decision.nodes.filter((n) => n.passed).sort(ranking);
  const failed = decision.nodes.filter((n) => !n.passed);
  return {
    pod: pod.key,
    uid: pod.uid,
    verb,
    at: new Date(now).toISOString(),
    request: {
      gpuCount: pod.gpuCount,
      gpuMemory: formatRequest(pod.gpuMemory),
      tier: config.tiers[pod.tier]?.name ?? String(pod.tier),
      tenant: pod.tenant,
      model: pod.model,
      workloadClass: pod.workloadClass,
    },
    winner: decision.winner,
    nodes: [...[...passed, ...failed].map(explainNode), ...extraFailures.map(failureNode)],
    binding: null,
  };
}

export function explainBinding(allocation: Allocation, now: number): ExplainBinding {
  return {
    node: allocation.node,
    devices: allocation.devices.map((d) => ({ index: d.index, memory: formatUnits(d.units) })),
    at: new Date(now).toISOString(),
  };
}
