/**
 * The binder and pod source against the local API server: the one request a bind sends, the
 * API server's own message when it says no, kept-alive connections, and pods read from the
 * informer rather than the API server.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Allocation } from "../../../src/cluster/types.js";
import { defaultConfig } from "../../../src/config/load.js";
import { type KubeCluster, startKubeCluster } from "../../../src/extender/kube/index.js";
import { FakeKubeApi } from "../../support/fake-kube-api.js";
import { v1Node, v1Pod } from "../../support/kube-objects.js";
import { collectingLogger, held, waitFor } from "./support.js";

const config = defaultConfig();
let api: FakeKubeApi | undefined;
let cluster: KubeCluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  await api?.close();
  cluster = undefined;
  api = undefined;
});

async function setup() {
  api = await FakeKubeApi.start();
  api.putNode(v1Node({ name: "gpu-a", gpus: 2 }));
  api.putNode(v1Node({ name: "gpu-b", gpus: 2 }));
  const pod = api.putPod(v1Pod({ name: "train-0", namespace: "ml", gpus: 1, gpuMemory: "20Gi" }));
  const { logger } = collectingLogger();
  cluster = await startKubeCluster(() => config, logger, { kubeConfig: api.kubeConfig() });
  await waitFor("watches", () => api!.watchCount("pods") === 1);
  return { api, cluster, uid: pod.metadata!.uid!, rv: pod.metadata!.resourceVersion! };
}

function allocation(devices: Allocation["devices"]): Allocation {
  return {
    podKey: "ml/train-0",
    node: "gpu-a",
    tenant: "",
    sharingTier: 0,
    milliCpu: 1000,
    memoryBytes: 4 * 1024 ** 3,
    devices,
  };
}

const target = (uid: string, resourceVersion: string, node = "gpu-a") => ({
  podName: "train-0",
  podNamespace: "ml",
  podUid: uid,
  resourceVersion,
  node,
});

describe("binder", () => {
  it("binds in one write: the Binding carries the devices and the UID and resourceVersion preconditions", async () => {
    const { api, cluster, uid, rv } = await setup();
    const alloc = allocation([{ index: 1, units: 20480_000 }]);
    expect(cluster.cache.ledger.assign(alloc)).toBeNull(); // what the bind verb does first
    const before = api.requests.length;

    expect(await cluster.binder.bind(target(uid, rv), alloc)).toEqual({ kind: "bound" });

    expect(api.requests.slice(before)).toEqual([
      {
        method: "POST",
        path: "/api/v1/namespaces/ml/pods/train-0/binding",
        query: {},
        contentType: "application/json",
        body: {
          apiVersion: "v1",
          kind: "Binding",
          metadata: {
            name: "train-0",
            namespace: "ml",
            uid,
            resourceVersion: rv,
            annotations: { "tierfit.io/gpu-devices": '{"1":20480}' },
          },
          target: { apiVersion: "v1", kind: "Node", name: "gpu-a" },
        },
      },
    ]);
    const bound = api.pod("ml", "train-0")!;
    expect(bound.spec!.nodeName).toBe("gpu-a");
    expect(bound.metadata!.annotations!["tierfit.io/gpu-devices"]).toBe('{"1":20480}');
    expect(bound.status!.conditions!.find((c) => c.type === "PodScheduled")!.status).toBe("True");

    // The pod informer sees the binding: the allocation is confirmed, still counted once.
    await waitFor("the bound pod to reach the informer", () => cluster.cache.podKeyByUid!(uid) === "ml/train-0");
    expect(held(cluster.cache.ledger)).toEqual([
      { podKey: "ml/train-0", node: "gpu-a", devices: [{ index: 1, units: 20480_000 }] },
    ]);
    expect(cluster.cache.ledger.node("gpu-a")!.devices[1].freeUnits).toBe((81920 - 20480) * 1000);
    expect(cluster.cache.ledger.node("gpu-a")!.requested.pods).toBe(1);
  });

  it("sends no annotation for a pod that holds no GPU", async () => {
    const { api, cluster, uid, rv } = await setup();
    expect(await cluster.binder.bind(target(uid, rv), allocation([]))).toEqual({ kind: "bound" });
    expect(api.recorded("PATCH")).toEqual([]);
    const posts = api.recorded("POST");
    expect(posts.map((r) => r.path)).toEqual(["/api/v1/namespaces/ml/pods/train-0/binding"]);
    expect((posts[0].body as { metadata: object }).metadata).not.toHaveProperty("annotations");
  });

  it("says refused, with the API server's message, when the pod is bound elsewhere or recreated", async () => {
    const { api, cluster, uid, rv } = await setup();
    expect(await cluster.binder.bind(target(uid, rv, "gpu-b"), allocation([{ index: 0, units: 1 }]))).toEqual({
      kind: "bound",
    });
    const rvNow = api.pod("ml", "train-0")!.metadata!.resourceVersion!;
    expect(await cluster.binder.bind(target(uid, rvNow), allocation([{ index: 1, units: 1 }]))).toEqual({
      kind: "refused",
      cause: "conflict",
      reason:
        'binding pod ml/train-0 to node gpu-a failed: HTTP 409: Operation cannot be fulfilled on pods/binding "train-0": pod train-0 is already assigned to node "gpu-b"; the pod is bound to node gpu-b',
    });
    const stale = await cluster.binder.bind(target("stale-uid", rvNow), allocation([]));
    expect(stale.kind).toBe("refused");
    expect(stale.kind !== "bound" && stale.reason).toMatch(/Precondition failed: UID in precondition: stale-uid/);
    expect(api.pod("ml", "train-0")!.spec!.nodeName).toBe("gpu-b");
  });

  it("says stale when the pod changed since it was read (resourceVersion precondition)", async () => {
    const { api, cluster, uid, rv } = await setup();
    api.putPod({
      ...api.pod("ml", "train-0")!,
      metadata: { ...api.pod("ml", "train-0")!.metadata, labels: { x: "y" } },
    });
    const result = await cluster.binder.bind(target(uid, rv), allocation([{ index: 0, units: 1 }]));
    expect(result.kind).toBe("stale");
    expect(result.kind !== "bound" && result.reason).toMatch(/ResourceVersion in precondition: \d+/);
    expect(api.pod("ml", "train-0")!.spec!.nodeName).toBeUndefined();
  });

  it("names what went wrong as a fixed word: forbidden, not-found, server-error, unreachable", async () => {
    const { api, cluster, uid, rv } = await setup();
    const binding = { method: "POST", path: /\/binding$/ };
    const causeOf = async () => {
      const r = await cluster.binder.bind(target(uid, rv), allocation([]));
      return r.kind === "bound" ? r.kind : [r.kind, r.cause];
    };
    api.failRequests(1, binding, 403, 'pods "train-0" is forbidden');
    expect(await causeOf()).toEqual(["refused", "forbidden"]);
    api.failRequests(1, binding, 404, 'namespaces "ml" not found');
    expect(await causeOf()).toEqual(["refused", "not-found"]);
    api.failRequests(1, binding, 422, "Binding is invalid");
    expect(await causeOf()).toEqual(["refused", "refused"]);
    // A 5xx, twice (the Binding is sent once more), and the pod read back unbound: in doubt.
    api.failRequests(2, binding, 500, "etcdserver: request timed out");
    expect(await causeOf()).toEqual(["in-doubt", "server-error"]);
    api.inject(2, binding, { kind: "reset" });
    expect(await causeOf()).toEqual(["in-doubt", "unreachable"]);
  });

  it("reuses kept-alive connections: 30 reads and 30 binds go over the one the lists opened", async () => {
    api = await FakeKubeApi.start();
    api.putNode(v1Node({ name: "gpu-a", gpus: 8 }));
    const pods = Array.from({ length: 30 }, (_, i) => api!.putPod(v1Pod({ name: `p-${i}`, namespace: "ml" })));
    cluster = await startKubeCluster(() => config, collectingLogger().logger, { kubeConfig: api.kubeConfig() });
    const kinds = ["nodes", "resourceslices", "resourceclaims", "pods"] as const;
    await waitFor("the informers to watch", () => kinds.every((k) => api!.watchCount(k) === 1));
    // The four lists shared one kept-alive connection; each watch holds one of its own.
    const opened = api.connections;
    expect(opened).toBe(5);
    for (const p of pods) {
      const name = p.metadata!.name!;
      expect((await cluster.podSource.getPod("ml", name, true))?.metadata?.uid).toBe(p.metadata!.uid);
      const t = { podName: name, podNamespace: "ml", podUid: p.metadata!.uid!, resourceVersion: "", node: "gpu-a" };
      expect(await cluster.binder.bind(t, { ...allocation([]), podKey: `ml/${name}` })).toEqual({ kind: "bound" });
    }
    expect(api.recorded("POST")).toHaveLength(30);
    expect(api.connections).toBe(opened);
  });
});

describe("pod source", () => {
  it("reads a pod from the informer when it holds it, else from the API server; null for one that does not exist", async () => {
    const { api, cluster, uid } = await setup();
    await waitFor("the pod informer to sync", () => cluster.cache.synced());
    const gets = () => api.recorded("GET", /\/pods\/train-0$/).length;
    const pod = await cluster.podSource.getPod("ml", "train-0");
    expect(pod?.metadata?.uid).toBe(uid);
    expect(pod?.metadata?.annotations?.["tierfit.io/gpu-memory"]).toBe("20Gi");
    expect(gets()).toBe(0);
    expect((await cluster.podSource.getPod("ml", "train-0", true))?.metadata?.uid).toBe(uid);
    expect(gets()).toBe(1);
    expect(await cluster.podSource.getPod("ml", "nope")).toBeNull();
    api.failRequests(1, { method: "GET", path: /\/pods\/train-0$/ }, 403, 'pods "train-0" is forbidden');
    await expect(cluster.podSource.getPod("ml", "train-0", true)).rejects.toThrow(
      'reading pod ml/train-0: HTTP 403: pods "train-0" is forbidden',
    );
  });
});
