/**
 * The informers against a local API server speaking the real list/watch protocol: the ledger
 * must equal what the API server holds after the first sync, after a watch broken mid-stream
 * while pods came and went, and after a 410 Gone forced a relist; readiness flips only when both
 * informers have listed.
 */
import { afterEach, describe, expect, it } from "vitest";
import { GPU_DEVICES_ANNOTATION } from "../../../src/cluster/device-annotation.js";
import { defaultConfig, parseConfig } from "../../../src/config/load.js";
import { type KubeCluster, startKubeCluster } from "../../../src/extender/kube/index.js";
import { FakeKubeApi } from "../../support/fake-kube-api.js";
import { v1Node, v1Pod } from "../../support/kube-objects.js";
import { collectingLogger, held, truth, waitFor } from "./support.js";

const config = defaultConfig();
const FAST_BACKOFF = { initialMs: 20, maxMs: 200 };

let api: FakeKubeApi | undefined;
let cluster: KubeCluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  await api?.close();
  cluster = undefined;
  api = undefined;
});

/** A GPU pod bound to `node` holding `mib` on each of `devices`, as tierfit's binder leaves it. */
function boundGpuPod(name: string, node: string, devices: Record<string, number>, namespace = "ml") {
  return v1Pod({
    name,
    namespace,
    gpus: Object.keys(devices).length,
    nodeName: node,
    annotations: { [GPU_DEVICES_ANNOTATION]: JSON.stringify(devices) },
  });
}

async function startWith(fake: FakeKubeApi) {
  const { logger, lines } = collectingLogger();
  cluster = await startKubeCluster(() => config, logger, { kubeConfig: fake.kubeConfig(), backoff: FAST_BACKOFF });
  return { cluster, lines };
}

describe("kube informers feeding the ledger", () => {
  it("after the first sync holds one allocation per bound, running pod, and only then is ready", async () => {
    api = await FakeKubeApi.start();
    api.putNode(v1Node({ name: "gpu-a", gpus: 4 }));
    api.putNode(v1Node({ name: "gpu-b", gpus: 2 }));
    api.putNode(v1Node({ name: "cpu-1" }));
    api.putPod(boundGpuPod("train-0", "gpu-a", { 0: 81920, 1: 81920 }));
    api.putPod(boundGpuPod("infer-0", "gpu-b", { 1: 20480 }));
    api.putPod(v1Pod({ name: "web-0", namespace: "web", nodeName: "cpu-1", cpu: "2", memory: "1Gi" }));
    api.putPod(v1Pod({ name: "pending-0", gpus: 1 })); // not bound: not the ledger's business
    const done = boundGpuPod("batch-0", "gpu-b", { 0: 81920 });
    api.putPod({ ...done, status: { ...done.status, phase: "Succeeded" } });
    api.failRequests(2, { method: "GET", path: /^\/api\/v1\/pods$/ }, 503, "etcdserver: leader changed");

    const { cluster, lines } = await startWith(api);
    expect(cluster.cache.synced()).toBe(false);
    expect(cluster.cache.missing()).toContain("pod informer has not completed its first list");

    await waitFor("the pod informer to sync", () => cluster.cache.synced());
    expect(cluster.cache.missing()).toEqual([]);
    expect(held(cluster.cache.ledger)).toEqual(truth(api.pods()));
    expect(held(cluster.cache.ledger).map((h) => h.podKey)).toEqual(["ml/infer-0", "ml/train-0", "web/web-0"]);
    const gpuA = cluster.cache.ledger.node("gpu-a")!;
    expect(gpuA.devices.map((d) => d.freeUnits)).toEqual([0, 0, 81920_000, 81920_000]);
    expect(cluster.cache.ledger.node("cpu-1")!.requested).toEqual({ milliCpu: 2000, memoryBytes: 1024 ** 3, pods: 1 });
    // The list failures were logged with the API server's own message, then retried.
    expect(lines.filter((l) => l.msg.includes("etcdserver: leader changed"))).toHaveLength(2);
    // The pod informer asks the API server for non-terminal pods only (pending ones are what bind reads).
    const podLists = api.recorded("GET", /^\/api\/v1\/pods$/).filter((r) => r.query.watch === undefined);
    expect(podLists.at(-1)!.query.fieldSelector).toBe("status.phase!=Succeeded,status.phase!=Failed");
    expect(cluster.cache.podKeyByUid!(api.pod("ml", "train-0")!.metadata!.uid!)).toBe("ml/train-0");
  });

  it("follows watch events: a pod bound, a pod finishing, a pod deleted, a node added", async () => {
    api = await FakeKubeApi.start();
    api.putNode(v1Node({ name: "gpu-a", gpus: 2 }));
    api.putPod(boundGpuPod("a", "gpu-a", { 0: 40960 }));
    api.putPod(boundGpuPod("b", "gpu-a", { 1: 40960 }));
    const { cluster } = await startWith(api);
    await waitFor("watches", () => api!.watchCount("pods") === 1 && api!.watchCount("nodes") === 1);

    api.putNode(v1Node({ name: "gpu-c", gpus: 1 }));
    api.putPod(boundGpuPod("c", "gpu-c", { 0: 10240 }));
    const a = api.pod("ml", "a")!;
    api.putPod({ ...a, status: { ...a.status, phase: "Failed" } });
    api.deletePod("ml", "b");
    await waitFor("the events", () => held(cluster.cache.ledger).length === 1);
    expect(held(cluster.cache.ledger)).toEqual(truth(api.pods()));
    expect(cluster.cache.ledger.node("gpu-a")!.devices.map((d) => d.freeUnits)).toEqual([81920_000, 81920_000]);
    expect(cluster.cache.ledger.node("gpu-c")!.devices[0].freeUnits).toBe(81920_000 - 10240_000);
  });

  it("after a watch broken mid-stream relists and neither loses nor doubles an allocation", async () => {
    api = await FakeKubeApi.start();
    api.putNode(v1Node({ name: "gpu-a", gpus: 4 }));
    api.putNode(v1Node({ name: "gpu-b", gpus: 4 }));
    for (let i = 0; i < 6; i++) api.putPod(boundGpuPod(`p-${i}`, i < 3 ? "gpu-a" : "gpu-b", { [i % 3]: 20480 }));
    const { cluster, lines } = await startWith(api);
    await waitFor("watches", () => api!.watchCount("pods") === 1);
    const listsBefore = podLists(api).length;

    // The connection drops mid-event and the API server refuses the first attempts to come back.
    api.failRequests(
      3,
      { method: "GET", path: /^\/api\/v1\/pods$/ },
      503,
      "the server is currently unable to handle the request",
    );
    expect(api.breakWatches("pods")).toBe(1);
    // Meanwhile the cluster moves on: a pod deleted, another bound, one finished, one moved in place.
    api.deletePod("ml", "p-1");
    api.putPod(boundGpuPod("p-new", "gpu-a", { 3: 81920 }));
    const p4 = api.pod("ml", "p-4")!;
    api.putPod({ ...p4, status: { ...p4.status, phase: "Succeeded" } });
    api.putPod(boundGpuPod("p-2", "gpu-a", { 2: 40960 }));

    await waitFor("the relist", () => podLists(api!).length > listsBefore && api!.watchCount("pods") === 1);
    expect(held(cluster.cache.ledger)).toEqual(truth(api.pods()));
    expect(held(cluster.cache.ledger).map((h) => h.podKey)).toEqual([
      "ml/p-0",
      "ml/p-2",
      "ml/p-3",
      "ml/p-5",
      "ml/p-new",
    ]);
    const free = (node: string) => cluster.cache.ledger.node(node)!.devices.map((d) => d.freeUnits / 1000);
    expect(free("gpu-a")).toEqual([81920 - 20480, 81920, 81920 - 40960, 0]);
    expect(free("gpu-b")).toEqual([81920 - 20480, 81920, 81920 - 20480, 81920]);
    expect(cluster.cache.ledger.conflicts()).toEqual([]);
    expect(lines.some((l) => l.msg.includes("pod informer") && l.msg.includes("relisting in"))).toBe(true);
  });

  it("relists after 410 Gone (resourceVersion too old) and reconciles what it missed", async () => {
    api = await FakeKubeApi.start();
    api.putNode(v1Node({ name: "gpu-a", gpus: 2 }));
    api.putPod(boundGpuPod("keep", "gpu-a", { 0: 81920 }));
    api.putPod(boundGpuPod("gone", "gpu-a", { 1: 81920 }));
    const { cluster, lines } = await startWith(api);
    await waitFor("watches", () => api!.watchCount("pods") === 1);
    const listsBefore = podLists(api).length;

    // The watch times out (a clean end); before the informer resumes from its last resourceVersion,
    // pods change and history is compacted, so the resumed watch gets 410 Expired.
    const resumeFrom = api.resourceVersion();
    expect(api.closeWatches("pods")).toBe(1);
    api.deletePod("ml", "gone");
    api.putPod(boundGpuPod("fresh", "gpu-a", { 1: 10240 }));
    api.compact();

    await waitFor("the relist", () => podLists(api!).length > listsBefore && api!.watchCount("pods") === 1);
    expect(held(cluster.cache.ledger)).toEqual(truth(api.pods()));
    expect(held(cluster.cache.ledger).map((h) => h.podKey)).toEqual(["ml/fresh", "ml/keep"]);
    expect(cluster.cache.ledger.node("gpu-a")!.devices.map((d) => d.freeUnits / 1000)).toEqual([0, 81920 - 10240]);
    // ListWatch relisted by itself (no error, no backoff), and the relist hook reconciled.
    expect(lines.filter((l) => l.msg.includes("relisting in"))).toEqual([]);
    const watches = api.recorded("GET", /^\/api\/v1\/pods$/).filter((r) => r.query.watch === "true");
    expect(watches.map((w) => Number(w.query.resourceVersion))).toEqual([
      resumeFrom,
      resumeFrom,
      api.resourceVersion(),
    ]);
  });
});

describe("config reload", () => {
  it("translates every known node again when the config changes", async () => {
    api = await FakeKubeApi.start();
    api.putNode(v1Node({ name: "gpu-a", gpus: 1, labels: { "example.com/isolation": "hypervisor" } }));
    let current = defaultConfig();
    const { logger } = collectingLogger();
    cluster = await startKubeCluster(() => current, logger, { kubeConfig: api.kubeConfig(), configCheckMs: 10 });
    await waitFor("the informers to sync", () => cluster!.cache.synced());
    const node = () => cluster!.cache.ledger.node("gpu-a")!.view;
    expect(node().tier).toBe(0);

    current = parseConfig("tierSources:\n  nodeLabel: example.com/isolation\n", "reloaded.yaml");
    await waitFor("the node to be translated again", () => node().tier === 2);
    expect(node().tierSource).toContain("example.com/isolation");
  });
});

function podLists(api: FakeKubeApi) {
  return api.recorded("GET", /^\/api\/v1\/pods$/).filter((r) => r.query.watch === undefined);
}
