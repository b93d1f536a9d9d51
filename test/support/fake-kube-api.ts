/**
 * A local Kubernetes API server speaking the real list/watch protocol for nodes, pods and the
 * resource.k8s.io/v1 ResourceSlices and ResourceClaims of Dynamic Resource Allocation, so the
 * extender's informers and binder are tested against the wire, not against mocks: lists carry
 * `metadata.resourceVersion`, `?watch=true` streams newline-delimited watch events over a chunked
 * response (ended after `timeoutSeconds`), a too-old resourceVersion gets a 410 `Expired` ERROR
 * event, field selectors emit ADDED/DELETED when an object starts/stops matching (as the API
 * server does), the pods/binding subresource works as kube-apiserver's BindingREST does (UID and
 * resourceVersion preconditions; the Binding's annotations merged into the pod in the same write
 * that sets `spec.nodeName` and the PodScheduled condition), every request is recorded and every
 * TCP connection counted for assertions, and faults can be injected (an error status, a request
 * that hangs, a connection reset, each before or after the write is applied).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { KubeConfig, type V1Node, type V1ObjectMeta, type V1Pod } from "@kubernetes/client-node";

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly contentType: string | undefined;
  /** Parsed JSON body, or undefined when there was none. */
  readonly body: unknown;
}

type Kind = "nodes" | "pods" | "resourceslices" | "resourceclaims";
type EventType = "ADDED" | "MODIFIED" | "DELETED";
/** resource.k8s.io/v1 objects are stored as they come: the client library has no v1 types for them yet everywhere. */
type KubeObject = V1Node | V1Pod | { metadata?: V1ObjectMeta; [field: string]: unknown };

interface StoredEvent {
  readonly rv: number;
  readonly kind: Kind;
  readonly type: EventType;
  readonly before: KubeObject | null;
  readonly after: KubeObject;
}

interface Watcher {
  readonly kind: Kind;
  readonly matches: (obj: KubeObject) => boolean;
  readonly res: ServerResponse;
}

/** Which requests a fault hits: method, path, and for GETs on a collection a list or a watch. */
export interface RequestMatch {
  readonly method?: string;
  readonly path: RegExp;
  /** true: only watches; false: only plain requests (lists, gets, writes). */
  readonly watch?: boolean;
}

/**
 * What an injected fault does: answer with an error Status, never answer (the connection stays
 * open until the client gives up), or reset the connection without an answer. `applied`: the
 * write is carried out first, so the fault hides a success (a lost reply).
 */
export type Fault =
  | { readonly kind: "status"; readonly status: number; readonly message: string; readonly applied?: boolean }
  | { readonly kind: "hang"; readonly applied?: boolean }
  | { readonly kind: "reset"; readonly applied?: boolean };

interface Injected {
  remaining: number;
  readonly match: RequestMatch;
  readonly fault: Fault;
}

export interface FakeKubeApiOptions {
  /** Serve HTTPS with this PEM certificate and key; the kubeConfig() trusts the certificate. */
  readonly tls?: { readonly cert: string; readonly key: string };
}

const KIND_INFO: Record<Kind, { kind: string; listKind: string; apiVersion: string }> = {
  nodes: { kind: "Node", listKind: "NodeList", apiVersion: "v1" },
  pods: { kind: "Pod", listKind: "PodList", apiVersion: "v1" },
  resourceslices: { kind: "ResourceSlice", listKind: "ResourceSliceList", apiVersion: "resource.k8s.io/v1" },
  resourceclaims: { kind: "ResourceClaim", listKind: "ResourceClaimList", apiVersion: "resource.k8s.io/v1" },
};

const STATUS_REASONS: Record<number, string> = {
  400: "BadRequest",
  404: "NotFound",
  409: "Conflict",
  410: "Expired",
  415: "UnsupportedMediaType",
  422: "Invalid",
  500: "InternalError",
  503: "ServiceUnavailable",
};

export class FakeKubeApi {
  readonly requests: RecordedRequest[] = [];
  private readonly objects: Record<Kind, Map<string, KubeObject>> = {
    nodes: new Map(),
    pods: new Map(),
    resourceslices: new Map(),
    resourceclaims: new Map(),
  };
  private readonly history: StoredEvent[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly faults: Injected[] = [];
  /** Responses of requests told to hang, ended by close(). */
  private readonly hung = new Set<ServerResponse>();
  private rv = 1;
  /** TCP connections accepted since start. */
  connections = 0;
  /** Watches from a resourceVersion below this get 410 Expired, as after an etcd compaction. */
  private compactedBelow = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly caCert: string | undefined,
  ) {}

  static async start(options: FakeKubeApiOptions = {}): Promise<FakeKubeApi> {
    let api: FakeKubeApi | undefined;
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      api!.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, statusBody(500, String(err)));
      });
    };
    const server: Server = options.tls ? createHttpsServer(options.tls, handler) : createServer(handler);
    server.on("connection", () => {
      if (api) api.connections++;
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    api = new FakeKubeApi(server, `${options.tls ? "https" : "http"}://127.0.0.1:${port}`, options.tls?.cert);
    return api;
  }

  /** A KubeConfig whose current context points at this server, without credentials. */
  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    const cluster = this.caCert
      ? { name: "fake", server: this.url, caData: Buffer.from(this.caCert).toString("base64") }
      : { name: "fake", server: this.url, skipTLSVerify: true };
    kc.loadFromOptions({
      clusters: [cluster],
      users: [{ name: "tester" }],
      contexts: [{ name: "fake", cluster: "fake", user: "tester" }],
      currentContext: "fake",
    });
    return kc;
  }

  async close(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.hung.clear();
    for (const w of this.watchers) w.res.destroy();
    this.watchers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- what a test does to the cluster -------------------------------------------------------

  /** Adds or replaces a node (ADDED or MODIFIED to watchers); returns the stored copy. */
  putNode(node: V1Node): V1Node {
    return this.put("nodes", node) as V1Node;
  }

  putPod(pod: V1Pod): V1Pod {
    return this.put("pods", pod) as V1Pod;
  }

  /** A resource.k8s.io/v1 ResourceSlice (cluster-scoped) or ResourceClaim (namespaced), as a DRA driver or kube-scheduler writes it. */
  putResourceSlice(slice: KubeObject): KubeObject {
    return this.put("resourceslices", slice);
  }

  putResourceClaim(claim: KubeObject): KubeObject {
    return this.put("resourceclaims", claim);
  }

  deleteResourceClaim(namespace: string, name: string): void {
    this.remove("resourceclaims", `${namespace}/${name}`);
  }

  deleteNode(name: string): void {
    this.remove("nodes", name);
  }

  deletePod(namespace: string, name: string): void {
    this.remove("pods", `${namespace}/${name}`);
  }

  node(name: string): V1Node | undefined {
    return this.objects.nodes.get(name) as V1Node | undefined;
  }

  pod(namespace: string, name: string): V1Pod | undefined {
    return this.objects.pods.get(`${namespace}/${name}`) as V1Pod | undefined;
  }

  pods(): V1Pod[] {
    return [...this.objects.pods.values()] as V1Pod[];
  }

  /** The current resourceVersion (the last write). */
  resourceVersion(): number {
    return this.rv;
  }

  /** Forgets history: every later watch from an older resourceVersion gets 410 Expired. */
  compact(): void {
    this.compactedBelow = this.rv;
    this.history.length = 0;
  }

  /**
   * Breaks every open watch of `kind` mid-stream: half an event line, then the socket is destroyed,
   * as when a load balancer or the API server drops the connection. Returns how many were broken.
   */
  breakWatches(kind?: Kind): number {
    let broken = 0;
    for (const w of [...this.watchers]) {
      if (kind && w.kind !== kind) continue;
      w.res.write('{"type":"MODIFIED","object":{"kind":');
      w.res.socket?.destroy();
      this.watchers.delete(w);
      broken++;
    }
    return broken;
  }

  /** Ends every open watch of `kind` cleanly, as the API server does when a watch times out. */
  closeWatches(kind?: Kind): number {
    let closed = 0;
    for (const w of [...this.watchers]) {
      if (kind && w.kind !== kind) continue;
      w.res.end();
      this.watchers.delete(w);
      closed++;
    }
    return closed;
  }

  /** Open watch connections, per kind (tests wait on this to know an informer is watching). */
  watchCount(kind: Kind): number {
    return [...this.watchers].filter((w) => w.kind === kind).length;
  }

  /** Sends a BOOKMARK with the current resourceVersion to every watcher of `kind`. */
  bookmark(kind: Kind): void {
    for (const w of this.watchers) {
      if (w.kind !== kind) continue;
      const object = {
        kind: KIND_INFO[kind].kind,
        apiVersion: KIND_INFO[kind].apiVersion,
        metadata: { resourceVersion: String(this.rv) },
      };
      w.res.write(`${JSON.stringify({ type: "BOOKMARK", object })}\n`);
    }
  }

  /** The next `times` requests matching `method` and `path` get `status` with a Status `message`. */
  failRequests(times: number, match: RequestMatch, status = 500, message = "injected failure") {
    this.inject(times, match, { kind: "status", status, message });
  }

  /** The next `times` requests that match suffer `fault`. */
  inject(times: number, match: RequestMatch, fault: Fault): void {
    this.faults.push({ remaining: times, match, fault });
  }

  /** Requests told to hang that are still open. */
  hungCount(): number {
    return this.hung.size;
  }

  /** Recorded requests, optionally only those of one method whose path matches. */
  recorded(method?: string, path?: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => (!method || r.method === method) && (!path || path.test(r.path)));
  }

  // ---- the store -----------------------------------------------------------------------------

  private put(kind: Kind, input: KubeObject): KubeObject {
    const key = objectKey(kind, input);
    const before = this.objects[kind].get(key) ?? null;
    const after = structuredClone(input);
    this.rv++;
    after.metadata = {
      ...after.metadata,
      uid: after.metadata?.uid ?? before?.metadata?.uid ?? `uid-${kind}-${this.rv}`,
      resourceVersion: String(this.rv),
      creationTimestamp: after.metadata?.creationTimestamp ?? before?.metadata?.creationTimestamp ?? new Date(0),
    };
    this.objects[kind].set(key, after);
    this.emit({ rv: this.rv, kind, type: before ? "MODIFIED" : "ADDED", before, after });
    return structuredClone(after);
  }

  private remove(kind: Kind, key: string): void {
    const before = this.objects[kind].get(key);
    if (!before) throw new Error(`fake API server: no ${kind} ${key}`);
    this.objects[kind].delete(key);
    this.rv++;
    const after = structuredClone(before);
    after.metadata = { ...after.metadata, resourceVersion: String(this.rv) };
    this.emit({ rv: this.rv, kind, type: "DELETED", before, after });
  }

  private emit(event: StoredEvent): void {
    this.history.push(event);
    for (const w of this.watchers) if (w.kind === event.kind) this.send(w, event);
  }

  /** Writes the event as a watcher with a field selector sees it (ADDED when it starts matching...). */
  private send(w: Watcher, e: StoredEvent): void {
    const was = e.before !== null && e.type !== "ADDED" && w.matches(e.before);
    const is = e.type !== "DELETED" && w.matches(e.after);
    let type: EventType | null = null;
    if (e.type === "DELETED") type = w.matches(e.before ?? e.after) ? "DELETED" : null;
    else if (was && is) type = "MODIFIED";
    else if (is) type = "ADDED";
    else if (was) type = "DELETED";
    if (!type) return;
    const object = { kind: KIND_INFO[e.kind].kind, apiVersion: KIND_INFO[e.kind].apiVersion, ...e.after };
    w.res.write(`${JSON.stringify({ type, object })}\n`);
  }

  // ---- HTTP ----------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const raw = await readBody(req);
    const query = Object.fromEntries(url.searchParams);
    const contentType = req.headers["content-type"];
    const method = req.method ?? "GET";
    this.requests.push({ method, path: url.pathname, query, contentType, body: raw ? JSON.parse(raw) : undefined });
    const isWatch = query.watch === "true" || query.watch === "1";
    const injected = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        (!f.match.method || f.match.method === method) &&
        f.match.path.test(url.pathname) &&
        (f.match.watch === undefined || f.match.watch === isWatch),
    );
    if (injected) injected.remaining--;
    const fault = injected?.fault;
    if (fault && !fault.applied) {
      this.suffer(fault, res);
      return;
    }
    // An applied fault lets the write happen and hides its reply (a watch is not started).
    const reply = this.route(method, url.pathname, query, contentType, raw, fault ? null : res);
    if (fault) this.suffer(fault, res);
    else if (reply) sendJson(res, reply.code, reply.body);
  }

  private suffer(fault: Fault, res: ServerResponse): void {
    if (fault.kind === "status") sendJson(res, fault.status, statusBody(fault.status, fault.message));
    else if (fault.kind === "reset") res.socket?.destroy();
    else {
      this.hung.add(res);
      res.on("close", () => this.hung.delete(res));
    }
  }

  /** The reply to send, or null when the request became a watch stream (`res` null: no stream). */
  private route(
    method: string,
    path: string,
    query: Record<string, string>,
    contentType: string | undefined,
    raw: string,
    res: ServerResponse | null,
  ): Reply | null {
    const collection = /^\/api\/v1\/(nodes|pods)$/.exec(path);
    if (collection && method === "GET") return this.listOrWatch(collection[1] as Kind, query, res);
    const dra = /^\/apis\/resource\.k8s\.io\/v1\/(resourceslices|resourceclaims)$/.exec(path);
    if (dra && method === "GET") return this.listOrWatch(dra[1] as Kind, query, res);
    const pod = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)(\/binding)?$/.exec(path);
    if (pod) {
      const [, namespace, name, binding] = pod;
      if (binding && method === "POST") return this.bind(namespace, name, raw);
      if (!binding && method === "GET") return this.getPod(namespace, name);
      if (!binding && method === "PATCH") return this.patchPod(namespace, name, contentType, raw);
    }
    return fail(404, `the server could not find the requested resource (${method} ${path})`);
  }

  private listOrWatch(kind: Kind, query: Record<string, string>, res: ServerResponse | null): Reply | null {
    let matches: (obj: KubeObject) => boolean;
    try {
      const fields = parseFieldSelector(query.fieldSelector ?? "");
      const labels = parseLabelSelector(query.labelSelector ?? "");
      matches = (obj) => fields(obj) && labels(obj);
    } catch (err) {
      return fail(400, (err as Error).message);
    }
    if (query.watch === "true" || query.watch === "1") {
      if (res) this.watch(kind, matches, query.resourceVersion, Number(query.timeoutSeconds ?? 0), res);
      return null;
    }
    const items = [...this.objects[kind].values()].filter(matches);
    const metadata = { resourceVersion: String(this.rv) };
    const { listKind, apiVersion } = KIND_INFO[kind];
    return { code: 200, body: { kind: listKind, apiVersion, metadata, items } };
  }

  private watch(
    kind: Kind,
    matches: (obj: KubeObject) => boolean,
    rvText: string | undefined,
    timeoutSeconds: number,
    res: ServerResponse,
  ) {
    res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
    res.flushHeaders();
    const from = rvText ? Number(rvText) : this.rv;
    const watcher: Watcher = { kind, matches, res };
    if (from < this.compactedBelow) {
      const status = statusBody(410, `too old resource version: ${from} (${this.compactedBelow})`);
      res.end(`${JSON.stringify({ type: "ERROR", object: status })}\n`);
      return;
    }
    for (const e of this.history) if (e.kind === kind && e.rv > from) this.send(watcher, e);
    this.watchers.add(watcher);
    // As the API server does: a watch with timeoutSeconds ends cleanly after that long.
    const timer = timeoutSeconds > 0 ? setTimeout(() => res.end(), timeoutSeconds * 1000) : null;
    res.on("close", () => {
      if (timer) clearTimeout(timer);
      this.watchers.delete(watcher);
    });
  }

  private getPod(namespace: string, name: string): Reply {
    const pod = this.pod(namespace, name);
    if (!pod) return fail(404, `pods "${name}" not found`);
    return { code: 200, body: { kind: "Pod", apiVersion: "v1", ...pod } };
  }

  private patchPod(namespace: string, name: string, contentType: string | undefined, raw: string): Reply {
    // For metadata.annotations a strategic-merge patch behaves exactly like a JSON merge patch.
    const mergeTypes = ["application/merge-patch+json", "application/strategic-merge-patch+json"];
    if (!contentType || !mergeTypes.includes(contentType.split(";")[0].trim())) {
      const accepted = mergeTypes.join(", ");
      return fail(415, `the body of the request was in an unknown format - accepted media types include: ${accepted}`);
    }
    const pod = this.pod(namespace, name);
    if (!pod) return fail(404, `pods "${name}" not found`);
    const patched = mergePatch(pod, JSON.parse(raw)) as V1Pod;
    return { code: 200, body: { kind: "Pod", apiVersion: "v1", ...this.putPod(patched) } };
  }

  /** kube-apiserver's BindingREST: preconditions, then nodeName, annotations and PodScheduled in one write. */
  private bind(namespace: string, name: string, raw: string): Reply {
    const binding = JSON.parse(raw) as {
      metadata?: { name?: string; uid?: string; resourceVersion?: string; annotations?: Record<string, string> };
      target?: { name?: string };
    };
    const pod = this.pod(namespace, name);
    if (!pod) return fail(404, `pods "${name}" not found`);
    const conflict = `Operation cannot be fulfilled on pods/binding "${name}"`;
    if (binding.metadata?.name !== name) {
      return fail(400, `Binding.metadata.name "${binding.metadata?.name}" does not match "${name}"`);
    }
    if (!binding.target?.name) return fail(422, "Binding.target.name: Required value");
    const meta = binding.metadata;
    if (meta.uid && meta.uid !== pod.metadata?.uid) {
      const uids = `UID in precondition: ${meta.uid}, UID in object meta: ${pod.metadata?.uid}`;
      return fail(409, `${conflict}: Precondition failed: ${uids}`);
    }
    if (meta.resourceVersion && meta.resourceVersion !== pod.metadata?.resourceVersion) {
      const rvs = `ResourceVersion in precondition: ${meta.resourceVersion}, ResourceVersion in object meta: ${pod.metadata?.resourceVersion}`;
      return fail(409, `${conflict}: Precondition failed: ${rvs}`);
    }
    if (pod.metadata?.deletionTimestamp) {
      return fail(409, `${conflict}: pod ${name} is being deleted, cannot be assigned to a host`);
    }
    if (pod.spec?.nodeName) {
      return fail(409, `${conflict}: pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
    }
    const annotations = { ...pod.metadata?.annotations, ...meta.annotations };
    const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== "PodScheduled");
    conditions.push({ type: "PodScheduled", status: "True", lastTransitionTime: new Date() });
    this.putPod({
      ...pod,
      metadata: { ...pod.metadata, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
      spec: { ...pod.spec!, nodeName: binding.target.name },
      status: { ...pod.status, conditions },
    });
    return { code: 201, body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 } };
  }
}

interface Reply {
  readonly code: number;
  readonly body: unknown;
}

function fail(code: number, message: string): Reply {
  return { code, body: statusBody(code, message) };
}

function objectKey(kind: Kind, obj: KubeObject): string {
  const name = obj.metadata?.name;
  if (!name) throw new Error("fake API server: object without metadata.name");
  return kind === "pods" || kind === "resourceclaims" ? `${obj.metadata?.namespace ?? "default"}/${name}` : name;
}

function statusBody(code: number, message: string) {
  const reason = STATUS_REASONS[code] ?? "Unknown";
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** `spec.nodeName!=,status.phase!=Failed`: the equality-based field selectors the API server takes for pods. */
export function parseFieldSelector(selector: string): (obj: KubeObject) => boolean {
  const terms = selector
    .split(",")
    .filter((t) => t !== "")
    .map((term) => {
      const m = /^([a-zA-Z.]+)(!=|==|=)(.*)$/.exec(term);
      if (!m) throw new Error(`invalid field selector term "${term}"`);
      const [, field, op, value] = m;
      const read = FIELDS[field];
      if (!read) throw new Error(`"${field}" is not a known field selector`);
      return (obj: KubeObject) => (read(obj) === value) === (op !== "!=");
    });
  return (obj) => terms.every((t) => t(obj));
}

/** Equality-based label selectors (`k=v`, `k==v`, `k!=v`, `k`, `!k`); set-based ones are refused. */
export function parseLabelSelector(selector: string): (obj: KubeObject) => boolean {
  const terms = selector
    .split(",")
    .filter((t) => t !== "")
    .map((term) => {
      const m = /^(!?)([A-Za-z0-9./_-]+)(?:(!=|==|=)([A-Za-z0-9._-]*))?$/.exec(term.trim());
      if (!m) throw new Error(`the fake API server does not support the label selector term "${term}"`);
      const [, not, key, op, value] = m;
      return (obj: KubeObject) => {
        const has = obj.metadata?.labels?.[key];
        if (op === undefined) return (has !== undefined) !== (not === "!");
        return (has === value) === (op !== "!=");
      };
    });
  return (obj) => terms.every((t) => t(obj));
}

const FIELDS: Record<string, (obj: KubeObject) => string> = {
  "metadata.name": (o) => o.metadata?.name ?? "",
  "metadata.namespace": (o) => o.metadata?.namespace ?? "",
  "spec.nodeName": (o) => (o as V1Pod).spec?.nodeName ?? "",
  "status.phase": (o) => (o as V1Pod).status?.phase ?? "",
};

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target !== null && typeof target === "object" && !Array.isArray(target) ? { ...(target as object) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
