/**
 * The binder and pod source against the local API server: the exact requests they send, the
 * order (annotation before Binding), and the API server's own message when it says no.
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
  return { api, cluster, uid: pod.metadata!.uid! };
}

function allocation(devices: Allocation["devices"]): Allocation {
  return {
    podKey: "ml/train-0",
    node: "gpu-a",
    tenant: "",
    tier: 0,
    milliCpu: 1000,
    memoryBytes: 4 * 1024 ** 3,
    devices,
  };
}

const target = (uid: string, node = "gpu-a") => ({ podName: "train-0", podNamespace: "ml", podUid: uid, node });

describe("binder", () => {
  it("annotates the pod with its devices (merge patch), then creates the Binding", async () => {
    const { api, cluster, uid } = await setup();
    const alloc = allocation([{ index: 1, units: 20480_000 }]);
    expect(cluster.cache.ledger.assign(alloc)).toBeNull(); // what the bind verb does first
    const before = api.requests.length;

    await cluster.binder.bind(target(uid), alloc);

    const writes = api.requests.slice(before).filter((r) => r.method !== "GET");
    expect(writes).toEqual([
      {
        method: "PATCH",
        path: "/api/v1/namespaces/ml/pods/train-0",
        query: {},
        contentType: "application/merge-patch+json",
        body: { metadata: { annotations: { "tierfit.io/gpu-devices": '{"1":20480}' } } },
      },
      {
        method: "POST",
        path: "/api/v1/namespaces/ml/pods/train-0/binding",
        query: {},
        contentType: "application/json",
        body: {
          apiVersion: "v1",
          kind: "Binding",
          metadata: { name: "train-0", namespace: "ml", uid },
          target: { apiVersion: "v1", kind: "Node", name: "gpu-a" },
        },
      },
    ]);
    expect(api.pod("ml", "train-0")!.spec!.nodeName).toBe("gpu-a");

    // The pod informer sees the binding: the allocation is confirmed, still counted once.
    await waitFor("the bound pod to reach the informer", () => cluster.cache.podKeyByUid!(uid) === "ml/train-0");
    expect(held(cluster.cache.ledger)).toEqual([
      { podKey: "ml/train-0", node: "gpu-a", devices: [{ index: 1, units: 20480_000 }] },
    ]);
    expect(cluster.cache.ledger.node("gpu-a")!.devices[1].freeUnits).toBe((81920 - 20480) * 1000);
    expect(cluster.cache.ledger.node("gpu-a")!.requested.pods).toBe(1);
  });

  it("sends no annotation for a pod that holds no GPU", async () => {
    const { api, cluster, uid } = await setup();
    await cluster.binder.bind(target(uid), allocation([]));
    expect(api.recorded("PATCH")).toEqual([]);
    expect(api.recorded("POST").map((r) => r.path)).toEqual(["/api/v1/namespaces/ml/pods/train-0/binding"]);
  });

  it("fails with the API server's message when the Binding is refused", async () => {
    const { api, cluster, uid } = await setup();
    await cluster.binder.bind(target(uid, "gpu-b"), allocation([{ index: 0, units: 1 }]));
    await expect(cluster.binder.bind(target(uid), allocation([{ index: 1, units: 1 }]))).rejects.toThrow(
      'binding pod ml/train-0 to node gpu-a failed: HTTP 409: Operation cannot be fulfilled on pods/binding "train-0": pod train-0 is already assigned to node "gpu-b"',
    );
    await expect(cluster.binder.bind(target("stale-uid", "gpu-a"), allocation([]))).rejects.toThrow(
      "Precondition failed: UID in precondition: stale-uid",
    );
    expect(api.pod("ml", "train-0")!.spec!.nodeName).toBe("gpu-b");
  });

  it("does not create the Binding when the annotation could not be written", async () => {
    const { api, cluster, uid } = await setup();
    api.failRequests(1, { method: "PATCH", path: /\/pods\/train-0$/ }, 500, "etcdserver: request timed out");
    await expect(cluster.binder.bind(target(uid), allocation([{ index: 0, units: 1 }]))).rejects.toThrow(
      "annotating pod ml/train-0 with its GPU devices failed: HTTP 500: etcdserver: request timed out",
    );
    expect(api.recorded("POST")).toEqual([]);
    expect(api.pod("ml", "train-0")!.spec!.nodeName).toBeUndefined();
  });
});

describe("pod source", () => {
  it("reads a pod, and answers null for one that does not exist", async () => {
    const { api, cluster, uid } = await setup();
    const pod = await cluster.podSource.getPod("ml", "train-0");
    expect(pod?.metadata?.uid).toBe(uid);
    expect(pod?.metadata?.annotations?.["tierfit.io/gpu-memory"]).toBe("20Gi");
    expect(await cluster.podSource.getPod("ml", "nope")).toBeNull();
    api.failRequests(1, { method: "GET", path: /\/pods\/train-0$/ }, 403, 'pods "train-0" is forbidden');
    await expect(cluster.podSource.getPod("ml", "train-0")).rejects.toThrow(
      'reading pod ml/train-0: HTTP 403: pods "train-0" is forbidden',
    );
  });
});
