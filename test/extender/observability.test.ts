import { readFileSync } from "node:fs";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/config/load.js";
import { buildAdminApp } from "../../src/extender/admin-app.js";
import { buildExtenderApp } from "../../src/extender/app.js";
import { ExtenderMetrics } from "../../src/extender/metrics.js";
import { createRuntime, type ExtenderDeps } from "../../src/extender/runtime.js";
import { EMPTY_DEMAND } from "../../src/scoring/demand-snapshot.js";
import { demandSnapshot, nodeTelemetry } from "../support/core-builders.js";
import { makeHarness, NOW, occupy } from "./harness.js";
import { gpuNode, gpuPod } from "./objects.js";

const POD = gpuPod({ name: "llm-0", gpuMemory: "20Gi", tier: "sandboxed", tenant: "team-a" });
const NODES = [
  gpuNode({ name: "node-a", tier: "sandboxed" }),
  gpuNode({ name: "node-b", gpus: 4, memoryMiB: 15360, product: "Tesla-T4", tier: "shared-kernel" }),
];

describe("/healthz and /readyz", () => {
  it("is healthy, and ready once the caches have synced", async () => {
    const ready = makeHarness({ nodes: NODES });
    expect((await ready.app.inject({ url: "/healthz" })).json()).toEqual({ ok: true });
    const r = await ready.app.inject({ url: "/readyz" });
    expect([r.statusCode, r.json()]).toEqual([200, { ready: true, missing: [] }]);
  });

  it("answers 503 saying what is missing until then", async () => {
    const h = makeHarness({ synced: false, missing: ["node informer not synced", "pod informer not synced"] });
    const r = await h.app.inject({ url: "/readyz" });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toEqual({ ready: false, missing: ["node informer not synced", "pod informer not synced"] });
    const vague = await makeHarness({ synced: false }).app.inject({ url: "/readyz" });
    expect(vague.json()).toEqual({ ready: false, missing: ["cluster cache not synced"] });
  });

  it("is ready at once in --standalone, where there is no cache to wait for", async () => {
    const r = await makeHarness({ standalone: true }).app.inject({ url: "/readyz" });
    expect([r.statusCode, r.json()]).toEqual([200, { ready: true, missing: [] }]);
  });
});

describe("/metrics", () => {
  it("counts requests per verb, rejections by signal, placements by tier, and reports ages", async () => {
    const h = makeHarness({ nodes: NODES, apiPods: [POD] });
    await h.post("filter", { Pod: POD, NodeNames: ["node-a", "node-b", "node-x"] });
    await h.post("prioritize", { Pod: POD, NodeNames: ["node-a"] });
    await h.post("bind", { PodName: "llm-0", PodNamespace: "default", PodUID: "uid-llm-0", Node: "node-a" });
    await h.post("filter", "{");
    await h.post("filter", { Pod: 1, NodeNames: [] });
    const res = await h.admin.inject({ url: "/metrics" });
    expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    const lines = res.body.split("\n");
    for (const expected of [
      'tierfit_extender_nodes_rejected_total{signal="isolationTier"} 1',
      'tierfit_extender_nodes_rejected_total{signal="cache"} 1',
      'tierfit_extender_pods_placed_total{tier="sandboxed"} 1',
      'tierfit_extender_request_duration_seconds_count{verb="filter",outcome="ok"} 1',
      'tierfit_extender_request_duration_seconds_count{verb="filter",outcome="malformed"} 1',
      'tierfit_extender_request_duration_seconds_count{verb="prioritize",outcome="ok"} 1',
      'tierfit_extender_request_duration_seconds_count{verb="bind",outcome="ok"} 1',
      "tierfit_cluster_cache_age_seconds 1.5",
      "tierfit_demand_snapshot_age_seconds +Inf",
    ]) {
      expect(lines).toContain(expected);
    }
  });

  it("counts config reloads through the metrics object the caller passes in, one registry per app", async () => {
    const metrics = new ExtenderMetrics();
    const config = defaultConfig();
    const deps = {
      config: () => config,
      demand: () => ({ ...EMPTY_DEMAND, takenAt: NOW - 4000 }),
      now: () => NOW,
      kube: null,
      logger: pino({ level: "silent" }),
    };
    const app = buildAdminApp(createRuntime({ ...deps, metrics }));
    const other = buildAdminApp(createRuntime(deps));
    metrics.recordConfigReload(true);
    metrics.recordConfigReload(false);
    metrics.recordConfigReload(true);
    const lines = (await app.inject({ url: "/metrics" })).body.split("\n");
    expect(lines).toContain('tierfit_config_reloads_total{result="success"} 2');
    expect(lines).toContain('tierfit_config_reloads_total{result="failure"} 1');
    expect(lines).toContain("tierfit_demand_snapshot_age_seconds 4");
    expect(lines.some((l) => l.startsWith("tierfit_cluster_cache_age_seconds"))).toBe(false);
    const otherLines = (await other.inject({ url: "/metrics" })).body.split("\n");
    expect(otherLines.some((l) => l.startsWith("tierfit_config_reloads_total{"))).toBe(false);
  });
});

describe("process metrics, build info and bind failures", () => {
  it("exports Node.js and process figures when asked, and always which tierfit runs", async () => {
    const withProcess = new ExtenderMetrics({ processMetrics: true });
    const text = await withProcess.registry.metrics();
    for (const name of ["process_cpu_seconds_total", "process_resident_memory_bytes", "nodejs_heap_size_used_bytes"]) {
      expect(text).toMatch(new RegExp(`^${name} \\d`, "m"));
    }
    const version = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version;
    expect(text).toContain(`tierfit_build_info{version="${version}",nodejs="${process.version}"} 1`);
    const plain = await new ExtenderMetrics().registry.metrics();
    expect(plain).not.toMatch(/^process_cpu_seconds_total/m);
    expect(plain).toContain("tierfit_build_info{");
  });

  it("counts failed binds by reason", async () => {
    const h = makeHarness({ nodes: NODES, apiPods: [POD] });
    await h.post("bind", { PodName: "gone", PodNamespace: "default", PodUID: "uid-gone", Node: "node-a" });
    await h.post("bind", { PodName: "llm-0", PodNamespace: "default", Node: 7 });
    await h.post("bind", { PodName: "llm-0", PodNamespace: "default", PodUID: "uid-llm-0", Node: "node-a" });
    const lines = (await h.admin.inject({ url: "/metrics" })).body.split("\n");
    expect(lines).toContain('tierfit_extender_bind_failures_total{reason="not-found"} 1');
    expect(lines).toContain('tierfit_extender_bind_failures_total{reason="malformed"} 1');
    expect(lines.filter((l) => l.startsWith("tierfit_extender_bind_failures_total{"))).toHaveLength(2);
  });
});

describe("/explain/:namespace/:pod", () => {
  it("shows the last decision per node, ranked like `tierfit explain --output json`, and the binding", async () => {
    const h = makeHarness({
      nodes: [...NODES, gpuNode({ name: "node-c", gpus: 1, tier: "hypervisor" })],
      apiPods: [POD],
    });
    occupy(h, "default/other", "node-c", [{ index: 0, gib: 30 }]);
    await h.post("filter", { Pod: POD, NodeNames: ["node-b", "node-c", "node-a", "node-x"] });
    await h.post("bind", { PodName: "llm-0", PodNamespace: "default", PodUID: "uid-llm-0", Node: "node-a" });
    const res = await h.admin.inject({ url: "/explain/default/llm-0" });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      pod: "default/llm-0",
      uid: "uid-llm-0",
      verb: "filter",
      at: "2026-11-24T12:00:00.000Z",
      request: {
        gpuCount: 1,
        gpuMemory: "20 GiB",
        tier: "sandboxed",
        tenant: "default",
        model: null,
        workloadClass: "default",
      },
      winner: "node-a",
      binding: { node: "node-a", devices: [{ index: 0, memory: "20 GiB" }], at: "2026-11-24T12:00:00.000Z" },
    });
    expect(body.nodes.map((n: { name: string }) => n.name)).toEqual(["node-a", "node-b", "node-c", "node-x"]);
    const [a, b, c, x] = body.nodes;
    expect(a).toMatchObject({ passed: true, reason: null, rejectedBy: null, unresolvable: false });
    expect(Object.keys(a.signals)).toEqual([
      "gpuMemory",
      "isolationTier",
      "liveDemand",
      "fragmentation",
      "resourcesFit",
      "stranding",
      "consolidation",
    ]);
    expect(a.score).toBe(Math.round(a.rawScore));
    expect(b).toMatchObject({
      passed: false,
      rejectedBy: "isolationTier",
      unresolvable: true,
      score: null,
    });
    expect(c).toMatchObject({
      passed: false,
      rejectedBy: "gpuMemory",
      reason: "needs 20 GiB on one GPU; no GPU has that free (largest free: 10 GiB)",
    });
    expect(x).toMatchObject({ passed: false, rejectedBy: "cache", reason: "node not in tierfit's cache yet" });
  });

  it("answers 404 with a reason for a pod it has no decision for, and forgets the oldest beyond its capacity", async () => {
    const config = defaultConfig();
    const deps: ExtenderDeps = {
      config: () => config,
      demand: () => EMPTY_DEMAND,
      now: () => NOW,
      kube: null,
      explainCapacity: 2,
      logger: pino({ level: "silent" }),
    };
    const rt = createRuntime(deps);
    const app = buildExtenderApp(deps, rt);
    const admin = buildAdminApp(rt);
    const nodes = { items: [gpuNode({ name: "node-a" })] };
    for (const name of ["p1", "p2", "p3"]) {
      await app.inject({ method: "POST", url: "/filter", payload: { Pod: gpuPod({ name }), Nodes: nodes } });
    }
    const gone = await admin.inject({ url: "/explain/default/p1" });
    expect([gone.statusCode, gone.json()]).toEqual([
      404,
      {
        Error:
          "no decision recorded for pod default/p1: tierfit remembers the last 2 pods it filtered or prioritized, in at most 64 MiB of node states",
      },
    ]);
    expect((await admin.inject({ url: "/explain/default/p3" })).statusCode).toBe(200);
  });

  it("answers loopback callers only: Prometheus, admitted to the admin port for /metrics, gets a 403 with the way in", async () => {
    const h = makeHarness({ nodes: NODES, apiPods: [POD] });
    await h.post("filter", { Pod: POD, NodeNames: ["node-a"] });
    for (const local of ["127.0.0.1", "::1", "::ffff:127.0.0.1"]) {
      expect((await h.admin.inject({ url: "/explain/default/llm-0", remoteAddress: local })).statusCode).toBe(200);
    }
    const remote = await h.admin.inject({ url: "/explain/default/llm-0", remoteAddress: "10.2.0.7" });
    expect([remote.statusCode, remote.json()]).toEqual([
      403,
      {
        Error:
          "explain answers local callers only (this one came from 10.2.0.7): run it on the extender's host, or through kubectl port-forward to the extender's pod",
      },
    ]);
    expect((await h.admin.inject({ url: "/metrics", remoteAddress: "10.2.0.7" })).statusCode).toBe(200);
  });
});

describe("the extender listener", () => {
  it("serves no metrics and no explanations: those are on the admin listener only", async () => {
    const h = makeHarness({ nodes: NODES, apiPods: [POD] });
    await h.post("filter", { Pod: POD, NodeNames: ["node-a"] });
    for (const url of ["/metrics", "/explain/default/llm-0"]) {
      const res = await h.app.inject({ url });
      expect([res.statusCode, res.json().Error]).toEqual([
        404,
        `no route GET ${url}; tierfit serves POST /filter, /prioritize, /bind, /preempt`,
      ]);
    }
  });
});

describe("GPUs per isolation tier", () => {
  it("exports GPUs in the cache, allocated by the ledger and busy by fresh telemetry, per tier", async () => {
    const h = makeHarness({
      nodes: [
        gpuNode({ name: "node-a", gpus: 2, memoryMiB: 40960, tier: "sandboxed" }),
        gpuNode({ name: "node-b", gpus: 4, memoryMiB: 15360, product: "Tesla-T4", tier: "shared-kernel" }),
      ],
      demand: () =>
        demandSnapshot(NOW, [
          nodeTelemetry("node-a", [0.5, 0.25], NOW),
          nodeTelemetry("node-b", [1, 1, 1, 1], NOW, true),
        ]),
    });
    occupy(h, "default/half", "node-a", [{ index: 0, gib: 20 }]);
    occupy(h, "default/whole", "node-a", [{ index: 1, gib: 40 }]);
    const lines = (await h.admin.inject({ url: "/metrics" })).body.split("\n");
    const series = (name: string) => lines.filter((l) => l.startsWith(`${name}{`)).sort();
    expect(series("tierfit_gpus")).toEqual([
      'tierfit_gpus{tier="hypervisor"} 0',
      'tierfit_gpus{tier="sandboxed"} 2',
      'tierfit_gpus{tier="shared-kernel"} 4',
    ]);
    expect(series("tierfit_gpus_allocated")).toEqual([
      'tierfit_gpus_allocated{tier="hypervisor"} 0',
      'tierfit_gpus_allocated{tier="sandboxed"} 1.5',
      'tierfit_gpus_allocated{tier="shared-kernel"} 0',
    ]);
    // node-b's telemetry is stale: no `used` for its tier rather than a made-up 0.
    expect(series("tierfit_gpus_used")).toEqual(['tierfit_gpus_used{tier="sandboxed"} 0.75']);
  });
});
