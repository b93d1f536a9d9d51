/**
 * How tierfit talks to the Kubernetes API: client-node's own clients over kept-alive connections,
 * every call bounded in time.
 *
 * client-node 1.x builds a new agent, and so a new TCP and TLS connection, for every request
 * (kubernetes-client/javascript#2893). API calls here go through a transport of ours on node:http(s)
 * that swaps that agent for one shared keep-alive agent (a new one only if the TLS settings
 * client-node derives change, as when a client certificate is rotated). Not node-fetch with a
 * keep-alive agent: node-fetch 2 mistakes a reused socket for a premature close of a chunked
 * response (node-fetch#1767). Watches stay on client-node's Watch, one long-lived connection each,
 * with a bound on the wait for their response headers.
 */
import http from "node:http";
import https from "node:https";
import {
  CoreV1Api,
  createConfiguration,
  KubeConfig,
  type RequestContext,
  ResourceV1Api,
  ResponseContext,
  ServerConfiguration,
  wrapHttpLibrary,
} from "@kubernetes/client-node";

/** Sockets API calls may use at once; a bind burst queues in the agent instead of opening more. */
export const API_SOCKETS = 4;

export interface ApiTimeouts {
  /** Longest a list, get or write may take, answer included. */
  readonly requestMs: number;
  /** Longest a watch may take to answer with its headers. */
  readonly watchConnectMs: number;
}

/** The TLS settings client-node derives per request; an agent is reused while they are unchanged. */
const TLS_KEYS = ["ca", "cert", "key", "pfx", "passphrase", "rejectUnauthorized", "servername"] as const;

type AgentOptions = https.AgentOptions & Record<string, unknown>;

function sameSetting(a: unknown, b: unknown): boolean {
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  return a === b;
}

/** One kept-alive agent per distinct TLS setup (in practice: one), replacing client-node's per-request agents. */
export class AgentPool {
  private current: { options: AgentOptions; agent: http.Agent } | null = null;
  private readonly retired: http.Agent[] = [];

  constructor(private readonly maxSockets: number) {}

  /** The shared agent for a request client-node prepared with `fresh`; proxies and unknown agents pass through. */
  agentFor(fresh: http.Agent | undefined): http.Agent | undefined {
    if (fresh === undefined || (fresh.constructor !== https.Agent && fresh.constructor !== http.Agent)) return fresh;
    const options = (fresh as http.Agent & { options: AgentOptions }).options;
    const isHttps = fresh.constructor === https.Agent;
    const held = this.current;
    if (
      held &&
      held.agent instanceof https.Agent === isHttps &&
      TLS_KEYS.every((k) => sameSetting(held.options[k], options[k]))
    ) {
      return held.agent;
    }
    if (held) this.retired.push(held.agent); // requests in flight finish on it; destroy() closes it
    const tls = Object.fromEntries(TLS_KEYS.filter((k) => options[k] !== undefined).map((k) => [k, options[k]]));
    const settings: https.AgentOptions = { ...tls, keepAlive: true, maxSockets: this.maxSockets, scheduling: "lifo" };
    const agent = isHttps ? new https.Agent(settings) : new http.Agent(settings);
    this.current = { options, agent };
    return agent;
  }

  destroy(): void {
    this.current?.agent.destroy();
    for (const a of this.retired.splice(0)) a.destroy();
    this.current = null;
  }
}

/** client-node's HTTP transport on node:http(s): the pooled agent, and a deadline for the whole exchange. */
class KeptAliveTransport {
  constructor(
    private readonly agents: AgentPool,
    private readonly timeoutMs: number,
  ) {}

  send(ctx: RequestContext): Promise<ResponseContext> {
    const url = new URL(ctx.getUrl());
    const body = ctx.getBody();
    if (body !== undefined && typeof body !== "string") {
      return Promise.reject(new Error("tierfit's API transport sends only string bodies"));
    }
    const headers: Record<string, string | number> = { ...ctx.getHeaders() };
    if (body !== undefined) headers["Content-Length"] = Buffer.byteLength(body);
    const transport = url.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, {
        method: ctx.getHttpMethod(),
        headers,
        agent: this.agents.agentFor(ctx.getAgent()),
      });
      // One deadline from sending to the last byte of the answer.
      const timer = setTimeout(() => {
        req.destroy(
          Object.assign(new Error(`no answer from the API server within ${this.timeoutMs} ms`), { code: "ETIMEDOUT" }),
        );
      }, this.timeoutMs);
      const fail = (err: Error) => {
        clearTimeout(timer);
        reject(err);
      };
      req.on("error", fail);
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", fail);
        res.on("end", () => {
          clearTimeout(timer);
          const data = Buffer.concat(chunks);
          const answer = { text: async () => data.toString("utf8"), binary: async () => data };
          resolve(new ResponseContext(res.statusCode ?? 0, flatHeaders(res.headers), answer));
        });
      });
      req.end(body);
    });
  }
}

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** The same clusters, users and contexts, with a bound on the wait for a watch's response headers. */
class WatchBoundedKubeConfig extends KubeConfig {
  constructor(
    source: KubeConfig,
    private readonly watchConnectMs: number,
  ) {
    super();
    this.loadFromOptions({
      clusters: source.clusters,
      users: source.users,
      contexts: source.contexts,
      currentContext: source.currentContext,
    });
  }

  /** Watches pass here; node-fetch's `timeout` bounds the wait for the response headers only. */
  override async applyToFetchOptions(opts: https.RequestOptions): ReturnType<KubeConfig["applyToFetchOptions"]> {
    return { ...(await super.applyToFetchOptions(opts)), timeout: this.watchConnectMs };
  }
}

export interface KubeClient {
  /** For watches (and anything else built on a KubeConfig). */
  readonly kubeConfig: KubeConfig;
  /** Core API calls, kept alive and bounded. */
  readonly core: CoreV1Api;
  /** resource.k8s.io/v1 (Dynamic Resource Allocation) calls, on the same connections. */
  readonly resource: ResourceV1Api;
  /** Closes every kept-alive connection. */
  close(): void;
}

export function kubeClient(source: KubeConfig, timeouts: ApiTimeouts): KubeClient {
  const kubeConfig = new WatchBoundedKubeConfig(source, timeouts.watchConnectMs);
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error("the kubeconfig names no current cluster");
  const agents = new AgentPool(API_SOCKETS);
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kubeConfig },
    httpApi: wrapHttpLibrary(new KeptAliveTransport(agents, timeouts.requestMs)),
  });
  const core = new CoreV1Api(configuration);
  const resource = new ResourceV1Api(configuration);
  return { kubeConfig, core, resource, close: () => agents.destroy() };
}
