/**
 * The whole bind path (the extender app, the informers, the binder) against the local API server
 * while it misbehaves: a Binding whose reply is lost after it was applied, one that hangs, a 409,
 * a 500 before and after the write, a list and a watch that never answer at start, and a restart
 * with pods kube-scheduler failed while tierfit was away. After each, the ledger equals what the
 * API server holds and no device is held by two pods.
 */
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { configSchema, type TierfitConfig } from "../../../src/config/schema.js";
import { buildExtenderApp } from "../../../src/extender/app.js";
import { type KubeCluster, startKubeCluster } from "../../../src/extender/kube/index.js";
import { REQUEUE_ANNOTATION } from "../../../src/extender/kube/requeue.js";
import { ExtenderMetrics } from "../../../src/extender/metrics.js";
import { EMPTY_DEMAND } from "../../../src/scoring/demand-snapshot.js";
import { FakeKubeApi, type Fault } from "../../support/fake-kube-api.js";
import { v1Node, v1Pod } from "../../support/kube-objects.js";
import { collectingLogger, held, type LogLine, truth, waitFor } from "./support.js";

/** Short timeouts so that every fault plays out in well under a second. */
const config: TierfitConfig = configSchema.parse({ kube: { apiTimeoutMs: 300, bindGraceSeconds: 1 } });
const FAST_BACKOFF = { initialMs: 20, maxMs: 200 };
const BINDING = { method: "POST", path: /\/binding$/ };

let api: FakeKubeApi | undefined;
let cluster: KubeCluster | undefined;
let app: FastifyInstance | undefined;

afterEach(async () => {
  await app?.close();
  await cluster?.stop();
  await api?.close();
  app = undefined;
  cluster = undefined;
  api = undefined;
});

/** Two one-GPU nodes and two pending one-GPU pods of two tenants, served by tierfit. */
async function stack(setup: (api: FakeKubeApi) => void = () => {}) {
  api = await FakeKubeApi.start();
  api.putNode(v1Node({ name: "gpu-a", gpus: 1 }));
  api.putNode(v1Node({ name: "gpu-b", gpus: 1 }));
  for (const tenant of ["team-a", "team-b"]) {
    api.putPod(v1Pod({ name: "llm-0", namespace: tenant, gpus: 1, schedulerName: "tierfit" }));
  }
  setup(api);
  const { logger, lines } = collectingLogger();
  cluster = await startKubeCluster(() => config, logger, {
    kubeConfig: api.kubeConfig(),
    backoff: FAST_BACKOFF,
    settleCheckMs: 20,
  });
  const metrics = new ExtenderMetrics();
  app = buildExtenderApp({
    config: () => config,
    demand: () => EMPTY_DEMAND,
    now: () => Date.now(),
    kube: cluster,
    logger,
    metrics,
  });
  const fake = api;
  const bind = async (namespace: string, node: string): Promise<string> => {
    const pod = fake.pod(namespace, "llm-0")!;
    const payload = { PodName: "llm-0", PodNamespace: namespace, PodUID: pod.metadata!.uid!, Node: node };
    const res = await app!.inject({ method: "POST", url: "/bind", payload });
    expect(res.statusCode).toBe(200);
    return (res.json() as { Error: string }).Error;
  };
  /** tierfit_extender_bind_failures_total by reason. */
  const failures = async () => {
    const metric = await metrics.bindFailures.get();
    return Object.fromEntries(metric.values.map((v) => [v.labels.reason, v.value]));
  };
  return { api: fake, cluster, app, lines, bind, failures };
}

/** The ledger holds exactly what the API server says is bound, and no device twice. */
async function settled(what: string) {
  await waitFor(what, () => JSON.stringify(held(cluster!.cache.ledger)) === JSON.stringify(truth(api!.pods())));
  expect(cluster!.cache.ledger.conflicts()).toEqual([]);
  const devices = truth(api!.pods()).flatMap((p) => p.devices.map((d) => `${p.node}/${d.index}`));
  expect(new Set(devices).size).toBe(devices.length);
}

const boundTo = (namespace: string) => api!.pod(namespace, "llm-0")!.spec?.nodeName;

describe("bind through API faults", () => {
  const lostReplies: [string, Fault][] = [
    ["the connection reset after the Binding was applied", { kind: "reset", applied: true }],
    ["a 500 after the Binding was applied", { kind: "status", status: 500, message: "etcd timeout", applied: true }],
  ];
  for (const [name, fault] of lostReplies) {
    it(`a lost reply (${name}) is found bound: success, and the device is never given to another tenant`, async () => {
      const s = await stack();
      await waitFor("the cache", () => s.cluster.cache.synced());
      s.api.inject(1, BINDING, fault);
      expect(await s.bind("team-a", "gpu-a")).toBe("");
      expect(boundTo("team-a")).toBe("gpu-a");
      expect(await s.bind("team-b", "gpu-a")).toMatch(/^cannot bind team-b\/llm-0 to gpu-a: .*GPU/);
      expect(boundTo("team-b")).toBeUndefined();
      await settled("the informer to show team-a bound");
      expect(s.api.recorded("POST").filter((r) => r.path.startsWith("/api/v1/namespaces/team-a"))).toHaveLength(2);
    });
  }

  it("a 500 before the write: the Binding is sent again and applies once", async () => {
    const s = await stack();
    await waitFor("the cache", () => s.cluster.cache.synced());
    s.api.failRequests(1, BINDING, 500, "etcdserver: leader changed");
    expect(await s.bind("team-a", "gpu-a")).toBe("");
    expect(boundTo("team-a")).toBe("gpu-a");
    await settled("the informer to show team-a bound");
  });

  it("a 409 (the pod changed since it was read): read again, rules checked again, bound", async () => {
    const s = await stack();
    await waitFor("the cache", () => s.cluster.cache.synced());
    s.api.failRequests(
      1,
      BINDING,
      409,
      'Operation cannot be fulfilled on pods/binding "llm-0": the object has been modified',
    );
    expect(await s.bind("team-a", "gpu-a")).toBe("");
    expect(s.api.recorded("GET", /\/namespaces\/team-a\/pods\/llm-0$/).length).toBeGreaterThanOrEqual(1);
    await settled("the informer to show team-a bound");
  });

  it("a Binding that hangs: /bind answers within its timeouts, the device stays reserved, then is released after the grace", async () => {
    const s = await stack();
    await waitFor("the cache", () => s.cluster.cache.synced());
    s.api.inject(100, BINDING, { kind: "hang" });
    const error = await s.bind("team-a", "gpu-a");
    expect(error).toMatch(/no answer from the API server within 300 ms/);
    expect(error).toMatch(/its devices stay reserved until it does \(at most 1 s\)/);
    // In doubt: another tenant cannot take the device, and the same pod cannot be bound twice.
    expect(await s.bind("team-b", "gpu-a")).toMatch(/GPU/);
    expect(await s.bind("team-a", "gpu-b")).toMatch(/an earlier bind of this pod to node gpu-a is not settled yet/);
    expect(s.cluster.cache.ledger.allocation("team-a/llm-0")?.node).toBe("gpu-a");
    expect(await s.failures()).toEqual({ timeout: 1, "does-not-fit": 1, unsettled: 1 });
    // The grace ends: the API server shows the pod unbound, so the device is released.
    await waitFor(
      "the reservation to be released",
      () => s.cluster.cache.ledger.allocation("team-a/llm-0") === undefined,
    );
    expect(boundTo("team-a")).toBeUndefined();
    expect(s.lines.some((l) => l.msg.includes("released the devices reserved for pod team-a/llm-0"))).toBe(true);
    await settled("the ledger to match");
    s.api.inject(0, BINDING, { kind: "hang" });
  });

  it("a Binding that hangs once, then the API server recovers: the retry binds it, exactly once", async () => {
    const s = await stack();
    await waitFor("the cache", () => s.cluster.cache.synced());
    s.api.inject(2, BINDING, { kind: "hang" });
    expect(await s.bind("team-a", "gpu-a")).toMatch(/stay reserved/);
    await waitFor("the retry to bind the pod", () => boundTo("team-a") === "gpu-a");
    await settled("the informer to show team-a bound");
    expect(await s.bind("team-b", "gpu-a")).toMatch(/GPU/);
  });

  it("a list and a watch that never answer at start: the app answers at once, says what it lacks, and syncs after retrying", async () => {
    const s = await stack((fake) => {
      fake.inject(1, { method: "GET", path: /^\/api\/v1\/nodes$/, watch: false }, { kind: "hang" });
      fake.inject(1, { method: "GET", path: /^\/api\/v1\/pods$/, watch: true }, { kind: "hang" });
    });
    expect((await s.app.inject({ url: "/healthz" })).statusCode).toBe(200);
    const starting = await s.app.inject({ url: "/readyz" });
    expect(starting.statusCode).toBe(503);
    expect((starting.json() as { missing: string[] }).missing).toContain(
      "node informer has not completed its first list",
    );
    expect(await s.bind("team-a", "gpu-a")).toMatch(
      /^cannot bind team-a\/llm-0: tierfit's cluster cache is not complete yet/,
    );
    await waitFor("the informers to sync", () => s.cluster.cache.synced());
    expect((await s.app.inject({ url: "/readyz" })).statusCode).toBe(200);
    const failures = (text: string) => s.lines.filter((l: LogLine) => l.level === 40 && l.msg.includes(text));
    expect(failures("node informer: no answer from the API server within 300 ms; relisting in")).toHaveLength(1);
    await waitFor("the pod watch to give up and start again", () => s.api.watchCount("pods") === 1);
    expect(failures("pod informer: network timeout at: http://127.0.0.1")).toHaveLength(1);
    expect(await s.bind("team-a", "gpu-a")).toBe("");
    await settled("the informer to show team-a bound");
  });
});

describe("restart", () => {
  const failedWhileAway = {
    type: "PodScheduled",
    status: "False",
    reason: "SchedulerError",
    message:
      'Post "http://tierfit.tierfit-system.svc:8888/filter": dial tcp 10.96.0.12:8888: connect: connection refused',
  };

  it("requeues the pending pods kube-scheduler failed while tierfit was away, with one annotation, once", async () => {
    const s = await stack((fake) => {
      for (const tenant of ["team-a", "team-b"]) {
        const pod = fake.pod(tenant, "llm-0")!;
        fake.putPod({ ...pod, status: { ...pod.status, conditions: [failedWhileAway] } });
      }
      const unschedulable = v1Pod({ name: "big-0", namespace: "team-a", gpus: 8, schedulerName: "tierfit" });
      const rejected = { ...failedWhileAway, reason: "Unschedulable", message: "0/2 nodes are available" };
      fake.putPod({ ...unschedulable, status: { ...unschedulable.status, conditions: [rejected] } });
      const other = v1Pod({ name: "web-0", namespace: "web" });
      fake.putPod({ ...other, status: { ...other.status, conditions: [failedWhileAway] } });
    });
    await waitFor("both pods to be requeued", () => s.api.recorded("PATCH").length === 2);
    const patches = s.api.recorded("PATCH");
    expect(patches.map((p) => p.path).sort()).toEqual([
      "/api/v1/namespaces/team-a/pods/llm-0",
      "/api/v1/namespaces/team-b/pods/llm-0",
    ]);
    for (const p of patches) {
      expect(p.contentType).toBe("application/merge-patch+json");
      const annotations = (p.body as { metadata: { annotations: Record<string, string> } }).metadata.annotations;
      expect(Object.keys(annotations)).toEqual([REQUEUE_ANNOTATION]);
      expect(Number.isNaN(Date.parse(annotations[REQUEUE_ANNOTATION]))).toBe(false);
    }
    expect(s.api.pod("team-a", "llm-0")!.metadata!.annotations?.[REQUEUE_ANNOTATION]).toBeDefined();
    // The touch is an update the informer sees too: the same pods are not touched again.
    await new Promise((r) => setTimeout(r, 200));
    expect(s.api.recorded("PATCH")).toHaveLength(2);
    // kube-scheduler retries them at once; tierfit binds them.
    expect(await s.bind("team-a", "gpu-a")).toBe("");
    expect(await s.bind("team-b", "gpu-b")).toBe("");
    await settled("both pods bound");
  });

  it("says once that it cannot requeue when the service account may not patch pods", async () => {
    const s = await stack((fake) => {
      for (const tenant of ["team-a", "team-b"]) {
        const pod = fake.pod(tenant, "llm-0")!;
        fake.putPod({ ...pod, status: { ...pod.status, conditions: [failedWhileAway] } });
      }
      fake.failRequests(10, { method: "PATCH", path: /\/pods\// }, 403, 'pods "llm-0" is forbidden');
    });
    await waitFor("the refusal to be logged", () => s.lines.some((l) => l.msg.startsWith("cannot requeue pods")));
    await new Promise((r) => setTimeout(r, 200));
    expect(s.api.recorded("PATCH")).toHaveLength(1);
    expect(s.lines.filter((l) => l.msg.startsWith("cannot requeue pods"))[0].msg).toMatch(
      /grant patch on pods \(the tierfit-requeue ClusterRole\)/,
    );
  });
});
