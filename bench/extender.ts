/**
 * Extender latency and throughput over real HTTP, against a floor measured in the same run: a
 * no-op extender (fastify, same JSON parsing) that passes every node and scores them all 0. Each
 * server runs in a worker thread of its own (as kube-scheduler and the extender are separate
 * processes, and so one server's garbage collection never pauses the other); this thread is the
 * scheduler side, a few keep-alive clients each sending filter then prioritize
 * (one "pair", as kube-scheduler does per pod) in a bounded loop. The clients are minimal HTTP/1.1
 * connections (Connection below), so the two cores go to the servers rather than to the client.
 *
 * Cluster: 5,000 GPU nodes (realistic v1 JSON, ~13 KB each), half of them partly allocated.
 * Cases: 500 candidates per call (kube's default sampling of a 5,000-node cluster, in the order
 * its parallel filter lists them: asKubeListsThem) and all 5,000, in names mode
 * (nodeCacheCapable: true) and full-Nodes mode. Prioritize receives the nodes filter passed, as
 * kube-scheduler sends them. Every pair is another pod (name and uid), and pods cycle through a
 * few shapes, as replicas do, so the extender's verdict memo answers most nodes from memory, as it
 * would in a cluster.
 *
 * Run: `npm run build && node dist/bench/run.js extender`, or one case at a time with
 * `node dist/bench/extender.js names-500` (cases: names-500, names-5000, nodes-500, nodes-5000).
 */
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import type { V1Node, V1Pod } from "@kubernetes/client-node";
import Fastify from "fastify";
import { pino } from "pino";
import { AllocationLedger } from "../src/cluster/ledger.js";
import { nodeViewFromV1 } from "../src/cluster/node-view.js";
import type { Allocation } from "../src/cluster/types.js";
import { defaultConfig } from "../src/config/load.js";
import { buildExtenderApp, type ExtenderDeps } from "../src/extender/app.js";
import { EMPTY_DEMAND } from "../src/scoring/demand-snapshot.js";
import { startWorker } from "./worker-thread.js";

export interface BenchRow {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly note?: string;
}

const CLUSTER_NODES = 5_000;
/** kube-scheduler's default parallelism (KubeSchedulerConfiguration.parallelism). */
const KUBE_PARALLELISM = 16;
const WORKER_ROLE = "tierfit-extender-bench-servers";

interface Case {
  readonly mode: "names" | "nodes";
  readonly candidates: number;
  readonly pairs: number;
  /** The pairs are sent in this many rounds, floor and tierfit alternating (measureCase). */
  readonly rounds: number;
  readonly clients: number;
  readonly variants: number;
}

const CASES: readonly Case[] = [
  { mode: "names", candidates: 500, pairs: 10_000, rounds: 5, clients: 4, variants: 64 },
  { mode: "names", candidates: 5_000, pairs: 1_000, rounds: 5, clients: 4, variants: 8 },
  { mode: "nodes", candidates: 500, pairs: 120, rounds: 3, clients: 4, variants: 4 },
  { mode: "nodes", candidates: 5_000, pairs: 8, rounds: 2, clients: 2, variants: 2 },
];

/** A small deterministic generator, so both threads build the same cluster. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const GPU_KINDS = [
  { product: "NVIDIA-A100-SXM4-40GB", memoryMiB: 40960, count: 8, share: 0.4 },
  { product: "NVIDIA-A10G", memoryMiB: 24576, count: 4, share: 0.3 },
  { product: "Tesla-T4", memoryMiB: 15360, count: 4, share: 0.2 },
  { product: "NVIDIA-H100-80GB-HBM3", memoryMiB: 81920, count: 8, share: 0.1 },
];
const TIERS = ["shared-kernel", "shared-kernel", "sandboxed", "hypervisor"];

/** A GPU node as kubelet, GPU Feature Discovery and NFD describe it (labels, managed fields, images). */
function clusterNode(i: number, rnd: () => number): V1Node {
  const name = `gpu-node-${String(i).padStart(5, "0")}`;
  const pick = rnd();
  let cumulative = 0;
  const kind =
    GPU_KINDS.find((k) => {
      cumulative += k.share;
      return pick < cumulative;
    }) ?? GPU_KINDS[0];
  const labels: Record<string, string> = {
    "kubernetes.io/arch": "amd64",
    "kubernetes.io/hostname": name,
    "kubernetes.io/os": "linux",
    "node.kubernetes.io/instance-type": "gpu.large",
    "topology.kubernetes.io/zone": `zone-${i % 3}`,
    "nvidia.com/gpu.count": String(kind.count),
    "nvidia.com/gpu.memory": String(kind.memoryMiB),
    "nvidia.com/gpu.product": kind.product,
    "nvidia.com/cuda.driver.major": "550",
    "nvidia.com/gpu.family": "ampere",
    "nvidia.com/mig.capable": "false",
    "tierfit.io/isolation-tier": TIERS[i % TIERS.length],
  };
  for (const f of ["ADX", "AESNI", "AVX", "AVX2", "AVX512F", "AVX512VL", "FMA3", "SHA", "VAES", "X87"]) {
    labels[`feature.node.kubernetes.io/cpu-cpuid.${f}`] = "true";
  }
  const fields = Object.fromEntries(Object.keys(labels).map((k) => [`f:${k}`, {}]));
  const images = Array.from({ length: 20 }, (_, j) => ({
    names: [`registry.example/team-${j}/image-${j}@sha256:${(i * 7919 + j).toString(16).padStart(64, "0")}`],
    sizeBytes: 100_000_000 + j * 7_654_321,
  }));
  const resources = { cpu: "96", memory: "1176637276Ki", pods: "110", "nvidia.com/gpu": String(kind.count) };
  return {
    metadata: {
      name,
      uid: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
      resourceVersion: String(100_000 + i),
      labels,
      annotations: {
        "node.alpha.kubernetes.io/ttl": "0",
        "nfd.node.kubernetes.io/feature-labels": Object.keys(labels).join(","),
      },
      managedFields: [
        {
          manager: "nfd-master",
          operation: "Update",
          apiVersion: "v1",
          fieldsType: "FieldsV1",
          fieldsV1: { "f:metadata": { "f:labels": fields } },
        },
      ],
    },
    spec: { podCIDR: `10.${(i >> 8) & 255}.${i & 255}.0/24`, providerID: `cloud:///zone/${name}` },
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: ["MemoryPressure", "DiskPressure", "PIDPressure", "Ready"].map((type) => ({
        type,
        status: type === "Ready" ? "True" : "False",
        lastHeartbeatTime: "2026-11-24T11:49:58Z",
        lastTransitionTime: "2026-11-20T08:01:12Z",
        reason: `Kubelet${type}`,
        message: `kubelet reports ${type}`,
      })),
      addresses: [{ type: "InternalIP", address: `10.0.${(i >> 8) & 255}.${i & 255}` }],
      nodeInfo: { kubeletVersion: "v1.28.7", containerRuntimeVersion: "containerd://1.7.13", kernelVersion: "5.15.0" },
      images,
    },
  } as unknown as V1Node;
}

export function clusterNodes(): V1Node[] {
  const rnd = lcg(42);
  return Array.from({ length: CLUSTER_NODES }, (_, i) => clusterNode(i, rnd));
}

// ---- server side (worker threads) ----

/** The extender's dependencies over the bench cluster: every node cached, half of them partly allocated. */
export function benchDeps(): ExtenderDeps {
  const config = defaultConfig();
  const ledger = new AllocationLedger();
  const rnd = lcg(7);
  for (const node of clusterNodes()) {
    const view = nodeViewFromV1(node, config);
    ledger.upsertNode(view);
    // Half the nodes carry running pods: whole GPUs and half-GPU shares of other tenants.
    if (rnd() < 0.5) continue;
    view.gpus.forEach((g, d) => {
      const r = rnd();
      if (r > 0.6) return;
      const alloc: Allocation = {
        podKey: `running/${view.name}-${d}`,
        node: view.name,
        tenant: `team-${d % 3}`,
        sharingTier: view.tier,
        milliCpu: 4000,
        memoryBytes: 16 * 2 ** 30,
        devices: [{ index: d, units: Math.round((r < 0.3 ? 1 : 0.5) * g.memoryMiB * 1000) }],
      };
      ledger.assign(alloc);
    });
  }
  return {
    config: () => config,
    demand: () => EMPTY_DEMAND,
    now: () => Date.now(),
    kube: {
      cache: { ledger, synced: () => true, missing: () => [], ageMs: () => 0 },
      binder: { bind: async () => ({ kind: "bound" }) },
      podSource: { getPod: async () => null },
      claims: { claimsOf: (_namespace, names) => ({ found: [], missing: names }) },
    },
    // The decision lines are written, as in production, to a sink.
    logger: pino({ name: "tierfit" }, pino.destination({ dest: "/dev/null", sync: false })),
  };
}

/** A no-op extender: the same fastify and JSON parsing, every node passes, every score 0. */
function floorApp() {
  const floor = Fastify({ bodyLimit: 512 * 1024 * 1024 });
  floor.post("/filter", async (req) => {
    const b = req.body as { Nodes: unknown; NodeNames: unknown };
    return {
      Nodes: b.Nodes ?? null,
      NodeNames: b.NodeNames ?? null,
      FailedNodes: {},
      FailedAndUnresolvableNodes: {},
      Error: "",
    };
  });
  floor.post("/prioritize", async (req) => {
    const b = req.body as { Nodes: { items: V1Node[] } | null; NodeNames: string[] | null };
    const names = b.NodeNames ?? (b.Nodes?.items ?? []).map((n) => n.metadata?.name ?? "");
    return names.map((Host) => ({ Host, Score: 0 }));
  });
  return floor;
}

/** Serves one of the two until told to stop: each in a thread of its own, so neither's GC pauses the other. */
async function runServer(server: "extender" | "floor"): Promise<void> {
  const app = server === "extender" ? buildExtenderApp(benchDeps()) : floorApp();
  await app.listen({ host: "127.0.0.1", port: 0 });
  parentPort?.postMessage((app.server.address() as { port: number }).port);
  await once(parentPort!, "message");
  await app.close();
}

/** Starts a server's thread; its port, and how to stop it. */
async function startServer(server: "extender" | "floor"): Promise<{ port: number; stop(): Promise<void> }> {
  const worker = startWorker(import.meta.url, { role: WORKER_ROLE, server });
  const [port] = (await once(worker, "message")) as [number];
  return {
    port,
    async stop() {
      worker.postMessage("stop");
      await once(worker, "exit");
    },
  };
}

// ---- client side (main thread) ----

export function benchPod(i: number): V1Pod {
  const shapes = [
    { gpus: "1", annotations: {} },
    { gpus: "1", annotations: { "tierfit.io/gpu-memory": "10Gi" } },
    { gpus: "2", annotations: { "tierfit.io/isolation-tier": "sandboxed" } },
    { gpus: "1", annotations: { "tierfit.io/gpu-memory": "20Gi", "tierfit.io/isolation-tier": "hypervisor" } },
  ];
  const s = shapes[i % shapes.length];
  return {
    metadata: {
      // Stamped with each pair's serial when sent (stamped()): every pair schedules another pod.
      name: `bench-pod-${POD_SERIAL}`,
      namespace: "inference",
      uid: `11111111-0000-4000-8000-${POD_SERIAL}`,
      resourceVersion: String(200_000 + i),
      labels: { "tierfit.io/tenant": `team-${i % 3}` },
      annotations: s.annotations,
    },
    spec: {
      containers: [
        {
          name: "main",
          image: "registry.example/llm:1",
          resources: {
            limits: { "nvidia.com/gpu": s.gpus },
            requests: { cpu: "4", memory: "16Gi", "nvidia.com/gpu": s.gpus },
          },
        },
      ],
      schedulerName: "default-scheduler",
      priority: 0,
    },
    status: { phase: "Pending", qosClass: "Burstable" },
  } as V1Pod;
}

/** Where a pod's serial goes in its name and uid: twelve digits no other part of a body holds. */
const POD_SERIAL = "999999999999";
const SERIAL_BYTES = Buffer.from(POD_SERIAL);

/** Where the serial sits in a request. */
function serialsIn(request: Buffer): number[] {
  const at: number[] = [];
  for (let i = request.indexOf(SERIAL_BYTES); i >= 0; i = request.indexOf(SERIAL_BYTES, i + 1)) at.push(i);
  return at;
}

/** A copy of the request for the pod with this serial. */
function stamped(request: Buffer, at: readonly number[], serial: number): Buffer {
  const copy = Buffer.from(request);
  const digits = String(serial).padStart(POD_SERIAL.length, "0");
  for (const i of at) copy.write(digits, i, "latin1");
  return copy;
}

/** Pod serials across every load run, so no two pairs of a bench run send the same pod. */
let nextSerial = 0;

interface Reply {
  readonly status: number;
  readonly body: Buffer;
}

const HEAD_END = Buffer.from("\r\n\r\n");

/**
 * The scheduler side's HTTP client: one keep-alive connection, one request in flight, requests
 * written as prebuilt bytes and replies read by Content-Length (which both servers send). Node's
 * http client spent more CPU per pair than the floor server itself, on the same two cores as the
 * servers; kube-scheduler's Go client is lean, and so is this one, for both servers alike.
 */
class Connection {
  readonly #socket: Socket;
  #pending: { resolve(r: Reply): void; reject(e: Error): void } | null = null;
  #chunks: Buffer[] = [];
  #size = 0;
  /** Where the body starts and ends in the bytes received, once the head is in; -1 before. */
  #bodyAt = -1;
  #end = -1;
  #status = 0;

  constructor(readonly port: number) {
    this.#socket = connect({ host: "127.0.0.1", port, noDelay: true });
    this.#socket.on("data", (chunk: Buffer) => this.#received(chunk));
    this.#socket.on("error", (err) => this.#fail(err));
    this.#socket.on("close", () => this.#fail(new Error(`connection to port ${port} closed`)));
  }

  /** A POST of a JSON body, as bytes to send as many times as needed. */
  static request(port: number, path: string, body: Buffer): Buffer {
    const head =
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    return Buffer.concat([Buffer.from(head, "latin1"), body]);
  }

  send(request: Buffer): Promise<Reply> {
    if (this.#pending !== null) return Promise.reject(new Error("one request at a time per connection"));
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#socket.write(request);
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #received(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    if (this.#end < 0) {
      const bytes = this.#joined();
      const headEnd = bytes.indexOf(HEAD_END);
      if (headEnd < 0) return;
      const head = bytes.toString("latin1", 0, headEnd);
      const length = /\r\ncontent-length: *(\d+)/i.exec(head);
      if (length === null) {
        this.#fail(new Error(`reply without Content-Length: ${head}`));
        return;
      }
      this.#status = Number(head.slice(9, 12));
      this.#bodyAt = headEnd + HEAD_END.length;
      this.#end = this.#bodyAt + Number(length[1]);
    }
    if (this.#size < this.#end) return;
    if (this.#size > this.#end) {
      this.#fail(new Error("bytes after the reply, with no request pending"));
      return;
    }
    const reply = { status: this.#status, body: this.#joined().subarray(this.#bodyAt, this.#end) };
    this.#chunks = [];
    this.#size = 0;
    this.#bodyAt = -1;
    this.#end = -1;
    const pending = this.#pending;
    this.#pending = null;
    pending?.resolve(reply);
  }

  #joined(): Buffer {
    if (this.#chunks.length > 1) this.#chunks = [Buffer.concat(this.#chunks, this.#size)];
    return this.#chunks[0];
  }

  #fail(err: Error): void {
    const pending = this.#pending;
    this.#pending = null;
    pending?.reject(err);
  }
}

interface PairBodies {
  readonly filter: Buffer;
  readonly prioritize: Buffer;
}

/**
 * The sample in the order kube-scheduler sends it to extenders: its parallel filter hands the
 * node list to 16 workers in chunks of √n nodes (chunkSizeFor: 70 of 5,000) and each feasible
 * node is appended as its worker finds it, so the list is the chunks' runs interleaved node by
 * node (this cluster's node tree order is name order: zones alternate with the names). Modelled
 * as each next node coming from a random one of the chunks in progress, all at once, as on a
 * scheduler with a core per chunk: the least orderly list kube-scheduler sends.
 */
function asKubeListsThem(sample: readonly V1Node[], rnd: () => number): V1Node[] {
  const chunk = Math.floor(Math.sqrt(CLUSTER_NODES));
  const chunks: V1Node[][] = [];
  for (let at = 0; at < sample.length; at += chunk) chunks.push(sample.slice(at, at + chunk).reverse());
  const running: V1Node[][] = [];
  const out: V1Node[] = [];
  while (out.length < sample.length) {
    while (running.length < KUBE_PARALLELISM && chunks.length > 0) running.push(chunks.shift()!);
    const r = Math.floor(rnd() * running.length);
    out.push(running[r].pop()!);
    if (running[r].length === 0) running.splice(r, 1);
  }
  return out;
}

/** Filter bodies per variant, and the prioritize body kube-scheduler would send after it: the nodes filter passed. */
async function caseBodies(c: Case, nodes: readonly V1Node[], extenderPort: number): Promise<PairBodies[]> {
  const rnd = lcg(c.candidates + (c.mode === "names" ? 1 : 2));
  const out: PairBodies[] = [];
  const connection = new Connection(extenderPort);
  try {
    // Each pod's sample starts where the previous one stopped (kube's nextStartNodeIndex).
    let start = Math.floor(rnd() * nodes.length);
    for (let v = 0; v < c.variants; v++) {
      const sample = [...nodes.slice(start), ...nodes.slice(0, start)].slice(0, c.candidates);
      start = (start + c.candidates) % nodes.length;
      const chosen = asKubeListsThem(sample, rnd);
      const pod = benchPod(v);
      const args = (list: readonly V1Node[]) =>
        c.mode === "names"
          ? { Pod: pod, Nodes: null, NodeNames: list.map((n) => n.metadata?.name) }
          : { Pod: pod, Nodes: { metadata: {}, items: list }, NodeNames: null };
      const filter = Buffer.from(JSON.stringify(args(chosen)));
      const reply = await connection.send(Connection.request(extenderPort, "/filter", filter));
      if (reply.status !== 200)
        throw new Error(`setup filter answered ${reply.status}: ${reply.body.toString().slice(0, 300)}`);
      const result = JSON.parse(reply.body.toString()) as {
        NodeNames: string[] | null;
        Nodes: { items: V1Node[] } | null;
        Error: string;
      };
      if (result.Error) throw new Error(`setup filter failed: ${result.Error}`);
      const passed = new Set(result.NodeNames ?? (result.Nodes?.items ?? []).map((n) => n.metadata?.name));
      out.push({
        filter,
        prioritize: Buffer.from(JSON.stringify(args(chosen.filter((n) => passed.has(n.metadata?.name))))),
      });
    }
  } finally {
    connection.close();
  }
  return out;
}

interface ServerPorts {
  readonly extender: number;
  readonly floor: number;
}

/** One load run: each pair's latency, and how long the run took. */
interface Load {
  readonly latencies: readonly number[];
  readonly seconds: number;
}

interface LoadResult {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly pairsPerSecond: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

async function runLoad(c: Case, bodies: readonly PairBodies[], port: number, pairs: number): Promise<Load> {
  const requests = bodies.map((b) => {
    const filter = Connection.request(port, "/filter", b.filter);
    const prioritize = Connection.request(port, "/prioritize", b.prioritize);
    return { filter, prioritize, filterAt: serialsIn(filter), prioritizeAt: serialsIn(prioritize) };
  });
  const connections = Array.from({ length: c.clients }, () => new Connection(port));
  const latencies: number[] = [];
  let next = 0;
  const client = async (connection: Connection) => {
    for (let i = next++; i < pairs; i = next++) {
      const template = requests[i % requests.length];
      const serial = nextSerial++;
      const r = {
        filter: stamped(template.filter, template.filterAt, serial),
        prioritize: stamped(template.prioritize, template.prioritizeAt, serial),
      };
      const t0 = performance.now();
      const f = await connection.send(r.filter);
      const p = await connection.send(r.prioritize);
      latencies.push(performance.now() - t0);
      if (f.status !== 200 || p.status !== 200) throw new Error(`status ${f.status}/${p.status} on port ${port}`);
    }
  };
  const started = performance.now();
  try {
    await Promise.all(connections.map(client));
  } finally {
    for (const connection of connections) connection.close();
  }
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

/** Latency percentiles over every pair of the runs, and pairs per second over their total time. */
function summarised(loads: readonly Load[]): LoadResult {
  const latencies = loads.flatMap((l) => l.latencies).sort((a, b) => a - b);
  const seconds = loads.reduce((sum, l) => sum + l.seconds, 0);
  return {
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    pairsPerSecond: latencies.length / seconds,
  };
}

/**
 * The floor and tierfit, in rounds that alternate between them: a shared machine's speed drifts
 * by tens of percent over seconds, and one run of each, one after the other, would credit the
 * drift to whichever ran in the faster spell.
 */
async function measureCase(c: Case, bodies: readonly PairBodies[], ports: ServerPorts) {
  const warm = Math.max(c.clients, Math.ceil(c.pairs / 10));
  await runLoad(c, bodies, ports.floor, warm);
  await runLoad(c, bodies, ports.extender, warm);
  const floor: Load[] = [];
  const tierfit: Load[] = [];
  for (let r = 0; r < c.rounds; r++) {
    const pairs = Math.ceil(c.pairs / c.rounds);
    floor.push(await runLoad(c, bodies, ports.floor, pairs));
    tierfit.push(await runLoad(c, bodies, ports.extender, pairs));
  }
  return { floor: summarised(floor), tierfit: summarised(tierfit) };
}

function caseId(c: Case): string {
  return `${c.mode}-${c.candidates}`;
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
/** Whole pairs per second, with a decimal below 10 (full mode over 5,000 nodes is that slow). */
const rate = (x: number) => (x >= 10 ? Math.round(x) : round(x, 1));

/** `only`: case labels to run ("names-500", "nodes-5000"); empty = every case. */
export async function benchExtender(only: readonly string[] = []): Promise<BenchRow[]> {
  const unknown = only.filter((o) => !CASES.some((c) => caseId(c) === o));
  if (unknown.length > 0) {
    throw new Error(`unknown extender case ${unknown.join(", ")}; cases: ${CASES.map(caseId).join(", ")}`);
  }
  const servers = await Promise.all([startServer("extender"), startServer("floor")]);
  const ports: ServerPorts = { extender: servers[0].port, floor: servers[1].port };
  const nodes = clusterNodes();
  const rows: BenchRow[] = [];
  try {
    for (const c of CASES) {
      if (only.length > 0 && !only.includes(caseId(c))) continue;
      const bodies = await caseBodies(c, nodes, ports.extender);
      const label = `extender ${c.mode === "names" ? "names" : "full Nodes"}, ${c.candidates} candidates`;
      const { floor, tierfit } = await measureCase(c, bodies, ports);
      const note = `${c.pairs} pairs in ${c.rounds} rounds, ${c.clients} keep-alive clients, floor = no-op extender`;
      rows.push(
        { name: `${label}: p50 pair`, value: round(tierfit.p50Ms), unit: "ms", note: `floor ${round(floor.p50Ms)} ms` },
        { name: `${label}: p99 pair`, value: round(tierfit.p99Ms), unit: "ms", note: `floor ${round(floor.p99Ms)} ms` },
        { name: `${label}: p99 / floor`, value: round(tierfit.p99Ms / floor.p99Ms), unit: "x" },
        { name: `${label}: throughput`, value: rate(tierfit.pairsPerSecond), unit: "pairs/s", note },
        {
          name: `${label}: throughput / floor`,
          value: round(tierfit.pairsPerSecond / floor.pairsPerSecond),
          unit: "x",
          note: `floor ${rate(floor.pairsPerSecond)} pairs/s`,
        },
      );
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
  return rows;
}

if (!isMainThread && workerData?.role === WORKER_ROLE) {
  await runServer(workerData.server);
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Arguments pick cases: `node dist/bench/extender.js names-500 names-5000`.
  for (const row of await benchExtender(process.argv.slice(2))) {
    console.log(
      `${row.name.padEnd(52)} ${row.value.toLocaleString("en-US").padStart(10)} ${row.unit}  ${row.note ?? ""}`,
    );
  }
}
