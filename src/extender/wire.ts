/**
 * The kube-scheduler extender v1 wire format (k8s.io/kube-scheduler/extender/v1 types.go), decoded
 * the way Go's encoding/json decodes it: object keys match struct fields case-insensitively (the
 * last matching key wins), a JSON null leaves a pointer nil. Pods and nodes stay the ordinary v1
 * JSON they arrived as (canonical field names); only what the extender itself relies on is
 * checked here. Replies are always written with the Go field names.
 */
import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { MAX_LABEL_VALUE_LENGTH, MAX_NAME_LENGTH } from "../cluster/limits.js";
import { clipText } from "../errors.js";
import { MAX_FULL_NODES, MAX_NODE_NAMES } from "./body-limit.js";

/**
 * Scores run 0..MaxExtenderPriority; kube-scheduler multiplies each by the extender's weight and by
 * MaxNodeScore / MaxExtenderPriority (100 / 10), checking no range, so staying inside is on us.
 */
export const MAX_EXTENDER_PRIORITY = 10;

/** A request body that does not decode into the Go type; answered with HTTP 400. */
export class MalformedRequestError extends Error {
  constructor(message: string) {
    // Messages quote what the caller sent.
    super(clipText(message));
    this.name = "MalformedRequestError";
  }
}

/** v1.NodeList as sent: `items` plus the list's own metadata, echoed back in full mode. */
export interface WireNodeList {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: Record<string, unknown>;
  readonly items: readonly V1Node[];
}

export interface ExtenderArgs {
  readonly Pod: V1Pod;
  /** Set when the extender is not nodeCacheCapable. */
  readonly Nodes: WireNodeList | null;
  /** Set when the extender is nodeCacheCapable. */
  readonly NodeNames: readonly string[] | null;
}

export interface ExtenderFilterResult {
  readonly Nodes: WireNodeList | null;
  readonly NodeNames: readonly string[] | null;
  readonly FailedNodes: Record<string, string>;
  readonly FailedAndUnresolvableNodes: Record<string, string>;
  readonly Error: string;
}

export interface HostPriority {
  readonly Host: string;
  readonly Score: number;
}

export interface ExtenderBindingArgs {
  readonly PodName: string;
  readonly PodNamespace: string;
  readonly PodUID: string;
  readonly Node: string;
}

export interface ExtenderBindingResult {
  readonly Error: string;
}

export interface MetaPod {
  readonly UID: string;
}

export interface MetaVictims {
  readonly Pods: readonly MetaPod[];
  readonly NumPDBViolations: number;
}

export interface Victims {
  readonly Pods: readonly V1Pod[];
  readonly NumPDBViolations: number;
}

export interface ExtenderPreemptionArgs {
  readonly Pod: V1Pod;
  /** Sent when the extender is not nodeCacheCapable. */
  readonly NodeNameToVictims: Readonly<Record<string, Victims>> | null;
  /** Sent when the extender is nodeCacheCapable. */
  readonly NodeNameToMetaVictims: Readonly<Record<string, MetaVictims>> | null;
}

export interface ExtenderPreemptionResult {
  readonly NodeNameToMetaVictims: Record<string, MetaVictims>;
}

type Json = Record<string, unknown>;

/**
 * Go's case folding for field names: ASCII case, plus the two non-ASCII runes that fold onto
 * ASCII letters (U+017F long s → s; U+212A Kelvin sign → k, which toLowerCase already handles).
 */
function fold(name: string): string {
  return name.replace(/\u017f/g, "s").toLowerCase();
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function expectObject(value: unknown, path: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new MalformedRequestError(`${path} must be a JSON object, got ${describe(value)}`);
  }
  return value as Json;
}

/** The struct fields of `obj`, keyed by their Go names; absent fields are undefined. */
function fields<K extends string>(obj: Json, names: readonly K[]): Partial<Record<K, unknown>> {
  const byFolded = new Map(names.map((n) => [fold(n), n]));
  const out: Partial<Record<K, unknown>> = {};
  for (const key of Object.keys(obj)) {
    const name = byFolded.get(fold(key));
    if (name !== undefined) out[name] = obj[key];
  }
  return out;
}

function expectString(value: unknown, path: string): string {
  if (typeof value !== "string") throw new MalformedRequestError(`${path} must be a string, got ${describe(value)}`);
  return value;
}

function expectNonEmptyString(value: unknown, path: string): string {
  const s = expectString(value ?? "", path);
  if (s === "") throw new MalformedRequestError(`${path} is missing or empty`);
  return s;
}

/** An object name (or, with `max` MAX_LABEL_VALUE_LENGTH, a namespace) as the API server bounds it. */
function expectName(value: unknown, path: string, max = MAX_NAME_LENGTH): string {
  const s = expectNonEmptyString(value, path);
  if (s.length > max) {
    throw new MalformedRequestError(
      `${path} is ${s.length.toLocaleString("en-US")} characters long; Kubernetes names have at most ${max}`,
    );
  }
  return s;
}

function expectInt(value: unknown, path: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw new MalformedRequestError(`${path} must be an integer, got ${describe(value)} ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * The parts of a v1 object the extender itself relies on: metadata.name/namespace/uid. Pods and
 * nodes are read with their canonical (API server) field names, as the code that interprets them
 * reads them; case-insensitive matching is for the extender's own structs.
 */
function checkObjectMeta(obj: Json, path: string, needNamespace: boolean): void {
  const meta = expectObject(obj.metadata, `${path}.metadata`);
  expectName(meta.name, `${path}.metadata.name`);
  if (needNamespace) expectName(meta.namespace, `${path}.metadata.namespace`, MAX_LABEL_VALUE_LENGTH);
  if (meta.uid !== undefined && meta.uid !== null) expectString(meta.uid, `${path}.metadata.uid`);
}

function decodePod(value: unknown, path: string): V1Pod {
  if (value === undefined || value === null) throw new MalformedRequestError(`${path} is missing`);
  const pod = expectObject(value, path);
  checkObjectMeta(pod, path, true);
  return pod as V1Pod;
}

function decodeNodeList(value: unknown): WireNodeList | null {
  if (value === undefined || value === null) return null;
  const list = fields(expectObject(value, "Nodes"), ["apiVersion", "kind", "metadata", "items"] as const);
  const rawItems = list.items ?? [];
  if (!Array.isArray(rawItems)) {
    throw new MalformedRequestError(`Nodes.items must be an array, got ${describe(rawItems)}`);
  }
  if (rawItems.length > MAX_FULL_NODES) {
    throw new MalformedRequestError(
      `Nodes lists ${rawItems.length.toLocaleString("en-US")} nodes; tierfit judges at most ${MAX_FULL_NODES.toLocaleString("en-US")} per call in full mode (set nodeCacheCapable: true for larger clusters)`,
    );
  }
  for (let i = 0; i < rawItems.length; i++) {
    const item = rawItems[i];
    // The common case checked inline: the paths for messages are only built for a bad item.
    const name = typeof item === "object" && item !== null ? (item as Json).metadata : undefined;
    if (
      typeof name === "object" &&
      name !== null &&
      typeof (name as Json).name === "string" &&
      (name as Json).name !== "" &&
      ((name as Json).name as string).length <= MAX_NAME_LENGTH
    ) {
      continue;
    }
    checkObjectMeta(expectObject(item, `Nodes.items[${i}]`), `Nodes.items[${i}]`, false);
  }
  return {
    ...(typeof list.apiVersion === "string" ? { apiVersion: list.apiVersion } : {}),
    ...(typeof list.kind === "string" ? { kind: list.kind } : {}),
    metadata: list.metadata == null ? {} : expectObject(list.metadata, "Nodes.metadata"),
    items: rawItems as V1Node[],
  };
}

function decodeNodeNames(value: unknown): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) {
    throw new MalformedRequestError(`NodeNames must be an array of strings, got ${describe(value)}`);
  }
  if (value.length > MAX_NODE_NAMES) {
    throw new MalformedRequestError(
      `NodeNames lists ${value.length.toLocaleString("en-US")} nodes; tierfit judges at most ${MAX_NODE_NAMES.toLocaleString("en-US")} per call`,
    );
  }
  for (let i = 0; i < value.length; i++) {
    const name: unknown = value[i];
    if (typeof name !== "string" || name === "" || name.length > MAX_NAME_LENGTH) expectName(name, `NodeNames[${i}]`);
  }
  return value as string[];
}

/** ExtenderArgs for filter and prioritize: exactly one of Nodes / NodeNames, as kube-scheduler sends. */
export function decodeExtenderArgs(body: unknown): ExtenderArgs {
  const f = fields(expectObject(body, "the request body"), ["Pod", "Nodes", "NodeNames"] as const);
  const Pod = decodePod(f.Pod, "Pod");
  const Nodes = decodeNodeList(f.Nodes);
  const NodeNames = decodeNodeNames(f.NodeNames);
  if (Nodes === null && NodeNames === null) {
    throw new MalformedRequestError("neither Nodes nor NodeNames is set: one of them lists the candidate nodes");
  }
  if (Nodes !== null && NodeNames !== null) {
    throw new MalformedRequestError(
      "both Nodes and NodeNames are set: kube-scheduler sends NodeNames when nodeCacheCapable is true, otherwise Nodes",
    );
  }
  return { Pod, Nodes, NodeNames };
}

export function decodeBindingArgs(body: unknown): ExtenderBindingArgs {
  const f = fields(expectObject(body, "the request body"), ["PodName", "PodNamespace", "PodUID", "Node"] as const);
  return {
    PodName: expectName(f.PodName, "PodName"),
    PodNamespace: expectName(f.PodNamespace, "PodNamespace", MAX_LABEL_VALUE_LENGTH),
    PodUID: f.PodUID == null || f.PodUID === "" ? "" : expectName(f.PodUID, "PodUID"),
    Node: expectName(f.Node, "Node"),
  };
}

function decodeVictimsMap<V>(
  value: unknown,
  path: string,
  decodeOne: (pods: unknown[], podsPath: string) => V[],
): Record<string, { Pods: V[]; NumPDBViolations: number }> | null {
  if (value === undefined || value === null) return null;
  const out: Record<string, { Pods: V[]; NumPDBViolations: number }> = {};
  for (const [node, raw] of Object.entries(expectObject(value, path))) {
    expectName(node, `${path}: a node name`);
    const at = `${path}[${JSON.stringify(node)}]`;
    // A nil *Victims in Go: no pods to evict on that node.
    const v = raw === null ? {} : fields(expectObject(raw, at), ["Pods", "NumPDBViolations"] as const);
    const pods = v.Pods ?? [];
    if (!Array.isArray(pods)) throw new MalformedRequestError(`${at}.Pods must be an array, got ${describe(pods)}`);
    out[node] = {
      Pods: decodeOne(pods, `${at}.Pods`),
      NumPDBViolations: expectInt(v.NumPDBViolations, `${at}.NumPDBViolations`),
    };
  }
  return out;
}

export function decodePreemptionArgs(body: unknown): ExtenderPreemptionArgs {
  const f = fields(expectObject(body, "the request body"), [
    "Pod",
    "NodeNameToVictims",
    "NodeNameToMetaVictims",
  ] as const);
  const Pod = decodePod(f.Pod, "Pod");
  const NodeNameToVictims = decodeVictimsMap(f.NodeNameToVictims, "NodeNameToVictims", (pods, at) =>
    pods.map((p, i) => decodePod(p, `${at}[${i}]`)),
  );
  const NodeNameToMetaVictims = decodeVictimsMap(f.NodeNameToMetaVictims, "NodeNameToMetaVictims", (pods, at) =>
    pods.map((p, i) => {
      const m = fields(expectObject(p, `${at}[${i}]`), ["UID"] as const);
      return { UID: expectName(m.UID, `${at}[${i}].UID`) };
    }),
  );
  return { Pod, NodeNameToVictims, NodeNameToMetaVictims };
}

/** The name kube-scheduler knows a node by. */
export function nodeNameOf(node: V1Node): string {
  return (node.metadata as { name: string }).name;
}
