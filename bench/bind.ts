/**
 * The bind path end to end: tierfit's /bind against a local HTTPS server that speaks the
 * Kubernetes API (list, watch, pods/binding; the test suite's fake API server), which counts every
 * request and every TCP connection. tierfit starts its informers on it, then binds N pending GPU
 * pods, `PARALLEL` at a time as kube-scheduler's binding cycles overlap. The same pods are bound in
 * the same way by a no-op binder measured in the same run: an extender whose /bind only creates
 * the Binding (no rules, no devices, no informers), through the same kept-alive client.
 *
 * The last line printed is tierfit's: `bind: <N> binds, <R> API requests, <C> connections, p50 <x>
 * ms, p99 <y> ms` (R counts everything tierfit sent, its lists and watches included).
 *
 * Run: `npm run bench -- bind`, or `node dist/bench/bind.js [N]`.
 *
 * The API server is the test suite's fake (test/support), imported rather than copied: one fake
 * for tests and bench. It runs in this thread beside both binders, so the figures include its
 * work, and the watch events it sends tierfit's informers for every bind are work the no-op
 * binder (no informers) is spared.
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import Fastify, { type FastifyInstance } from "fastify";
import { pino } from "pino";
import { generate } from "selfsigned";
import { defaultConfig } from "../src/config/load.js";
import { buildExtenderApp } from "../src/extender/app.js";
import { kubeClient } from "../src/extender/kube/api-client.js";
import { startKubeCluster } from "../src/extender/kube/index.js";
import { EMPTY_DEMAND } from "../src/scoring/demand-snapshot.js";
import { FakeKubeApi } from "../test/support/fake-kube-api.js";
import { v1Node, v1Pod } from "../test/support/kube-objects.js";
import type { BenchRow } from "./extender.js";

/** Rows for the table, and lines printed after it. */
export interface BenchReport {
  readonly rows: readonly BenchRow[];
  readonly lines: readonly string[];
}

const DEFAULT_BINDS = 1_000;
const GPUS_PER_NODE = 8;
/** Binds in flight at once. */
const PARALLEL = 16;

interface Measured {
  readonly binds: number;
  readonly requests: number;
  readonly connections: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly bindsPerSecond: number;
}

interface BindArgs {
  readonly PodName: string;
  readonly PodNamespace: string;
  readonly PodUID: string;
  readonly Node: string;
}

async function tlsPair(): Promise<{ cert: string; key: string }> {
  const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keyType: "ec",
    algorithm: "sha256",
    extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
  });
  return { cert: pems.cert, key: pems.private };
}

/** A fake API server holding the nodes and N pending GPU pods of the tierfit scheduler. */
async function cluster(
  tls: { cert: string; key: string },
  binds: number,
): Promise<{ api: FakeKubeApi; args: BindArgs[] }> {
  const api = await FakeKubeApi.start({ tls });
  const nodes = Math.ceil(binds / GPUS_PER_NODE);
  for (let i = 0; i < nodes; i++) api.putNode(v1Node({ name: `gpu-${i}`, gpus: GPUS_PER_NODE }));
  const args: BindArgs[] = [];
  for (let i = 0; i < binds; i++) {
    const pod = api.putPod(v1Pod({ name: `infer-${i}`, namespace: "ml", gpus: 1, schedulerName: "tierfit" }));
    args.push({ PodName: `infer-${i}`, PodNamespace: "ml", PodUID: pod.metadata!.uid!, Node: `gpu-${i % nodes}` });
  }
  return { api, args };
}

/** Sends every bind through `app`, PARALLEL at a time; fails on any bind error. */
async function bindAll(
  app: FastifyInstance,
  args: readonly BindArgs[],
): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < args.length) {
      const body = args[next++];
      const t0 = performance.now();
      const res = await app.inject({ method: "POST", url: "/bind", payload: body });
      latencies.push(performance.now() - t0);
      const error = (res.json() as { Error?: string }).Error;
      if (res.statusCode !== 200 || error)
        throw new Error(`bind ${body.PodName} failed: ${error ?? `${res.statusCode} ${res.body}`}`);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function measured(api: FakeKubeApi, run: { latencies: number[]; seconds: number }): Measured {
  const sorted = [...run.latencies].sort((a, b) => a - b);
  return {
    binds: sorted.length,
    requests: api.requests.length,
    connections: api.connections,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    bindsPerSecond: sorted.length / run.seconds,
  };
}

/** The no-op extender's /bind: one Binding, nothing checked, nothing recorded. */
async function measureNoop(tls: { cert: string; key: string }, binds: number): Promise<Measured> {
  const { api, args } = await cluster(tls, binds);
  const client = kubeClient(api.kubeConfig(), { requestMs: 10_000, watchConnectMs: 10_000 });
  const core = client.core;
  const app = Fastify();
  app.post<{ Body: BindArgs }>("/bind", async (request) => {
    const { PodName: name, PodNamespace: namespace, PodUID: uid, Node: node } = request.body;
    await core.createNamespacedPodBinding({
      name,
      namespace,
      body: { metadata: { name, namespace, uid }, target: { apiVersion: "v1", kind: "Node", name: node } },
    });
    return { Error: "" };
  });
  try {
    return measured(api, await bindAll(app, args));
  } finally {
    await app.close();
    client.close();
    await api.close();
  }
}

async function measureTierfit(tls: { cert: string; key: string }, binds: number): Promise<Measured> {
  const { api, args } = await cluster(tls, binds);
  const config = defaultConfig();
  const logger = pino({ level: "warn" }, pino.destination({ dest: "/dev/null", sync: false }));
  const kube = await startKubeCluster(() => config, logger, { kubeConfig: api.kubeConfig() });
  const app = buildExtenderApp({
    config: () => config,
    demand: () => EMPTY_DEMAND,
    now: () => Date.now(),
    kube,
    logger,
  });
  try {
    while (!kube.cache.synced()) await new Promise((r) => setTimeout(r, 10));
    const result = measured(api, await bindAll(app, args));
    const unbound = api.pods().filter((p) => !p.spec?.nodeName).length;
    if (unbound > 0) throw new Error(`${unbound} pods were left unbound`);
    const conflicts = kube.cache.ledger.conflicts();
    if (conflicts.length > 0) throw new Error(`devices assigned twice: ${conflicts.join("; ")}`);
    return result;
  } finally {
    await app.close();
    await kube.stop();
    await api.close();
  }
}

export function bindLine(m: Measured): string {
  const ms = (x: number) => x.toFixed(1);
  return `${m.binds} binds, ${m.requests} API requests, ${m.connections} connections, p50 ${ms(m.p50Ms)} ms, p99 ${ms(m.p99Ms)} ms`;
}

export async function benchBind(binds = DEFAULT_BINDS): Promise<BenchReport> {
  const tls = await tlsPair();
  const noop = await measureNoop(tls, binds);
  const tierfit = await measureTierfit(tls, binds);
  const round = (x: number) => Math.round(x * 100) / 100;
  const rows: BenchRow[] = [
    { name: "bind: throughput", value: round(tierfit.bindsPerSecond), unit: "binds/s", note: `${PARALLEL} in flight` },
    {
      name: "bind: throughput / no-op binder",
      value: round(tierfit.bindsPerSecond / noop.bindsPerSecond),
      unit: "x",
      note: `no-op ${round(noop.bindsPerSecond)} binds/s`,
    },
    {
      name: "bind: API requests per bind",
      value: round(tierfit.requests / tierfit.binds),
      unit: "x",
      note: "target ≤ 1.05",
    },
    { name: "bind: p99 / no-op binder", value: round(tierfit.p99Ms / noop.p99Ms), unit: "x" },
    { name: "bind: load average (1 min)", value: round(loadavg()[0]), unit: "", note: "at the end of the run" },
  ];
  return { rows, lines: [`bind (no-op binder): ${bindLine(noop)}`, `bind: ${bindLine(tierfit)}`] };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const report = await benchBind(Number(process.argv[2] ?? DEFAULT_BINDS));
  for (const line of report.lines) console.log(line);
}
