/**
 * The explanation of one placement decision as JSON: the one shape `tierfit explain --output json`
 * prints and the extender's GET /explain/<namespace>/<pod> answers (README, "Explain JSON").
 * Built here only, from the core's Decision, so the two can never drift apart.
 */
import { formatRequest, formatUnits } from "../cluster/gpu-units.js";
import type { Allocation, PodRequest } from "../cluster/types.js";
import { SIGNAL_NAMES, type TierfitConfig } from "../config/schema.js";
import type { Decision, NodeDecision, Rejection } from "../scoring/types.js";

export interface ExplainedNode {
  readonly name: string;
  readonly passed: boolean;
  /** Why the node cannot take the pod, a sentence with numbers; null when it passed. */
  readonly reason: string | null;
  /** The signal that rejected the node ("cache" when the extender did not know it); null when it passed. */
  readonly rejectedBy: string | null;
  /** True when preemption cannot help (a tier too weak): kube-scheduler's FailedAndUnresolvableNodes. */
  readonly unresolvable: boolean;
  /** Each signal's 0..10 score, two decimals, in the config's signal order; empty for a node that failed. */
  readonly signals: Readonly<Record<string, number>>;
  /** The integer 0..10 score kube-scheduler receives; null for a node that failed. */
  readonly score: number | null;
  /** The combined score before rounding, two decimals: it breaks ties between equal integer scores. */
  readonly rawScore: number | null;
}

export interface ExplainBinding {
  readonly node: string;
  readonly devices: readonly { readonly index: number; readonly memory: string }[];
  readonly at: string;
}

export interface Explanation {
  /** namespace/name */
  readonly pod: string;
  readonly uid: string;
  /** What decided: `tierfit explain`, or the extender verb whose decision this is. */
  readonly verb: "explain" | "filter" | "prioritize";
  /** When the decision was made (ISO 8601). */
  readonly at: string;
  readonly request: {
    readonly gpuCount: number;
    readonly gpuMemory: string;
    readonly tier: string;
    readonly tenant: string;
    readonly model: string | null;
    readonly workloadClass: string;
  };
  /** The node the pod goes to; null when none fits. */
  readonly winner: string | null;
  /** Passing nodes best first (as the runner ranks them), then failing nodes in input order. */
  readonly nodes: readonly ExplainedNode[];
  /** Where the extender bound the pod and on which GPUs; null before a bind (and always for `tierfit explain`). */
  readonly binding: ExplainBinding | null;
  /** Assumptions made while reading the input, e.g. a pod without a device annotation. */
  readonly notes: readonly string[];
  /** Per node, where its GPU devices came from and what they are (`tierfit explain` only). */
  readonly devices?: readonly ExplainedDevices[];
}

export interface ExplainedDevices {
  readonly node: string;
  /** dra | gfd | config */
  readonly source: string;
  readonly detail: string;
  /** One line per device: "gpu-1 NVIDIA-H100-80GB-HBM3 79.6 GiB, 59.6 GiB free (acme)". */
  readonly gpus: readonly string[];
}

/** A node rejected before the core saw it (the extender does not know it yet). */
export interface ExtraFailure {
  readonly node: string;
  readonly rejection: Rejection;
}

export interface ExplanationInput {
  readonly pod: PodRequest;
  readonly verb: Explanation["verb"];
  readonly decision: Decision;
  readonly extraFailures?: readonly ExtraFailure[];
  readonly config: TierfitConfig;
  readonly now: number;
  readonly binding?: ExplainBinding | null;
  readonly notes?: readonly string[];
  readonly devices?: readonly ExplainedDevices[];
}

export function buildExplanation(input: ExplanationInput): Explanation {
  const { pod, decision, config } = input;
  const passed = decision.nodes.filter((n) => n.passed).sort(ranking);
  const failed = decision.nodes.filter((n) => !n.passed);
  return {
    pod: pod.key,
    uid: pod.uid,
    verb: input.verb,
    at: new Date(input.now).toISOString(),
    request: {
      gpuCount: pod.gpuCount,
      gpuMemory: formatRequest(pod.gpuMemory),
      tier: config.tiers[pod.tier]?.name ?? String(pod.tier),
      tenant: pod.tenant,
      model: pod.model,
      workloadClass: pod.workloadClass,
    },
    winner: decision.winner,
    nodes: [
      ...[...passed, ...failed].map(explainNode),
      ...(input.extraFailures ?? []).map((f) => failedNode(f.node, f.rejection)),
    ],
    binding: input.binding ?? null,
    notes: input.notes ?? [],
    ...(input.devices ? { devices: input.devices } : {}),
  };
}

export function explainBinding(allocation: Allocation, now: number): ExplainBinding {
  return {
    node: allocation.node,
    devices: allocation.devices.map((d) => ({ index: d.index, memory: formatUnits(d.units) })),
    at: new Date(now).toISOString(),
  };
}

/** The runner's order: integer score, then combined raw score, then name. */
function ranking(a: NodeDecision, b: NodeDecision): number {
  return b.score - a.score || b.rawScore - a.rawScore || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function explainNode(n: NodeDecision): ExplainedNode {
  if (!n.passed) return failedNode(n.name, n.rejection);
  const signals: Record<string, number> = {};
  const known: readonly string[] = SIGNAL_NAMES;
  const names = [...known.filter((s) => s in n.signals), ...Object.keys(n.signals).filter((s) => !known.includes(s))];
  for (const name of names) {
    const value = n.signals[name];
    if (value !== undefined) signals[name] = round2(value);
  }
  return {
    name: n.name,
    passed: true,
    reason: null,
    rejectedBy: null,
    unresolvable: false,
    signals,
    score: n.score,
    rawScore: round2(n.rawScore),
  };
}

function failedNode(name: string, rejection: Rejection | null | undefined): ExplainedNode {
  return {
    name,
    passed: false,
    reason: rejection?.reason ?? "rejected",
    rejectedBy: rejection?.signal ?? null,
    unresolvable: rejection?.unresolvable ?? false,
    signals: {},
    score: null,
    rawScore: null,
  };
}
