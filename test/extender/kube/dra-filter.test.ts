/**
 * The extender's verbs judge a DRA pod by its ResourceClaims, read from the claim informer's cache
 * (the fake API server serves resource.k8s.io/v1): a claim's request sets the pod's GPU need, a
 * claim not seen yet is an error kube-scheduler retries, an allocated claim adds nothing (its
 * devices are counted already), and only claims in the pod's own namespace are used.
 */
import type { V1ObjectMeta, V1Pod } from "@kubernetes/client-node";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { defaultConfig } from "../../../src/config/load.js";
import { buildExtenderApp } from "../../../src/extender/app.js";
import { type KubeCluster, startKubeCluster } from "../../../src/extender/kube/index.js";
import { EMPTY_DEMAND } from "../../../src/scoring/demand-snapshot.js";
import { FakeKubeApi } from "../../support/fake-kube-api.js";
import { v1Node, v1Pod } from "../../support/kube-objects.js";
import { collectingLogger, waitFor } from "./support.js";

const config = defaultConfig();
const DRIVER = "gpu.nvidia.com";

/** resource.k8s.io/v1 objects, as the fake API server stores them. */
type KubeObject = { metadata: V1ObjectMeta; [field: string]: unknown };

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

/** The NVIDIA DRA driver's slice for `node`: one shareable 80 GiB H100 per entry. */
function slice(node: string, devices: number): KubeObject {
  return {
    apiVersion: "resource.k8s.io/v1",
    kind: "ResourceSlice",
    metadata: { name: `${node}-${DRIVER}` },
    spec: {
      driver: DRIVER,
      nodeName: node,
      pool: { name: node, generation: 1, resourceSliceCount: 1 },
      devices: Array.from({ length: devices }, (_, i) => ({
        name: `gpu-${i}`,
        allowMultipleAllocations: true,
        attributes: { type: { string: "gpu" }, productName: { string: "NVIDIA H100 80GB HBM3" } },
        capacity: { memory: { value: "80Gi" } },
      })),
    },
  };
}

interface Allocated {
  readonly node: string;
  readonly device: string;
  /** consumedCapacity.memory; the whole device when absent. */
  readonly memory?: string;
}

/** A claim asking one gpu.nvidia.com device with `memory` of it, allocated where `allocated` says. */
function claim(namespace: string, name: string, memory: string, allocated?: Allocated): KubeObject {
  return {
    apiVersion: "resource.k8s.io/v1",
    kind: "ResourceClaim",
    metadata: { name, namespace },
    spec: {
      devices: {
        requests: [
          {
            name: "gpu",
            exactly: {
              deviceClassName: DRIVER,
              allocationMode: "ExactCount",
              count: 1,
              capacity: { requests: { memory } },
            },
          },
        ],
      },
    },
    ...(allocated === undefined
      ? {}
      : {
          status: {
            allocation: {
              devices: {
                results: [
                  {
                    request: "gpu",
                    driver: DRIVER,
                    pool: allocated.node,
                    device: allocated.device,
                    ...(allocated.memory === undefined ? {} : { consumedCapacity: { memory: allocated.memory } }),
                  },
                ],
              },
              nodeSelector: {
                nodeSelectorTerms: [
                  { matchFields: [{ key: "metadata.name", operator: "In", values: [allocated.node] }] },
                ],
              },
            },
          },
        }),
  };
}

/** A pending pod of the tierfit scheduler using these ResourceClaims by name. */
function draPod(namespace: string, name: string, claims: readonly string[]): V1Pod {
  const pod = v1Pod({ name, namespace, schedulerName: "tierfit" });
  pod.spec!.resourceClaims = claims.map((c) => ({ name: c, resourceClaimName: c }));
  pod.spec!.containers[0].resources!.claims = claims.map((c) => ({ name: c }));
  return pod;
}

/**
 * dra-tight: one GPU, 60Gi of it held by an ml claim (20 GiB free); dra-roomy: one free GPU;
 * dra-pair: gpu-0 held whole by the claim ml/mine, gpu-1 free.
 */
async function start(claims: readonly KubeObject[], pods: readonly V1Pod[] = []) {
  api = await FakeKubeApi.start();
  for (const node of ["dra-tight", "dra-roomy", "dra-pair"]) api.putNode(v1Node({ name: node }));
  api.putResourceSlice(slice("dra-tight", 1));
  api.putResourceSlice(slice("dra-roomy", 1));
  api.putResourceSlice(slice("dra-pair", 2));
  api.putResourceClaim(claim("ml", "held", "60Gi", { node: "dra-tight", device: "gpu-0", memory: "60Gi" }));
  for (const c of claims) api.putResourceClaim(c);
  for (const p of pods) api.putPod(p);
  const { logger, lines } = collectingLogger();
  const kube = await startKubeCluster(() => config, logger, { kubeConfig: api.kubeConfig() });
  cluster = kube;
  const free = (node: string) => kube.cache.ledger.node(node)?.devices.map((d) => d.freeUnits / 1000 / 1024);
  await waitFor("the cache to sync", () => kube.cache.synced());
  await waitFor("the held claim in the ledger", () => free("dra-tight")?.[0] === 20);
  const names = claims.map((c) => c.metadata!.name!);
  const namespaces = claims.map((c) => c.metadata!.namespace!);
  await waitFor("the claims in the cache", () =>
    names.every((n, i) => kube.claims.claimsOf(namespaces[i], [n]).found.length === 1),
  );
  app = buildExtenderApp({
    config: () => config,
    demand: () => EMPTY_DEMAND,
    now: Date.now,
    kube: { cache: kube.cache, binder: kube.binder, podSource: kube.podSource, claims: kube.claims },
    logger,
  });
  return { kube, lines, free };
}

interface FilterReply {
  NodeNames: string[] | null;
  FailedNodes: Record<string, string>;
  FailedAndUnresolvableNodes: Record<string, string>;
  Error: string;
}

async function post(verb: string, payload: unknown): Promise<{ status: number; json: unknown }> {
  const res = await app!.inject({ method: "POST", url: `/${verb}`, payload: payload as object });
  return { status: res.statusCode, json: res.json() };
}

async function filter(pod: V1Pod, nodes: readonly string[]): Promise<FilterReply> {
  return (await post("filter", { Pod: pod, NodeNames: nodes })).json as FilterReply;
}

describe("the extender judges a DRA pod by its ResourceClaims", () => {
  it("filters a 40Gi claim off a node with 20 GiB free, keeps it on one with 80 GiB, and bind re-checks it", async () => {
    const pod = draPod("ml", "chat-0", ["gpu-claim"]);
    // A claim of the same name in another namespace asks 10Gi, which would fit: it is not the pod's.
    const { lines } = await start([claim("lab", "gpu-claim", "10Gi"), claim("ml", "gpu-claim", "40Gi")], [pod]);

    const reply = await filter(pod, ["dra-tight", "dra-roomy"]);
    expect(reply.Error).toBe("");
    expect(reply.NodeNames).toEqual(["dra-roomy"]);
    expect({ ...reply.FailedNodes, ...reply.FailedAndUnresolvableNodes }).toEqual({
      "dra-tight":
        "needs 1 GPU with 40 GiB via ResourceClaim ml/gpu-claim; needs 40 GiB on one GPU; no GPU has that free (largest free: 20 GiB)",
    });
    expect(lines.find((l) => l.msg === "decision" && l.verb === "filter")?.claims).toEqual(["ml/gpu-claim"]);

    // Prioritize scores the rejected node 0.
    const scores = (await post("prioritize", { Pod: pod, NodeNames: ["dra-tight", "dra-roomy"] })).json as {
      Host: string;
      Score: number;
    }[];
    expect(scores.find((s) => s.Host === "dra-tight")!.Score).toBe(0);
    expect(scores.find((s) => s.Host === "dra-roomy")!.Score).toBeGreaterThan(0);

    // Bind reads the pod and its claim again from the caches: the tight node is refused.
    const bind = (node: string) =>
      post("bind", { PodName: "chat-0", PodNamespace: "ml", PodUID: pod.metadata!.uid, Node: node });
    expect((await bind("dra-tight")).json).toEqual({
      Error: "cannot bind ml/chat-0 to dra-tight: needs 40 GiB on one GPU; no GPU has that free (largest free: 20 GiB)",
    });
    expect((await bind("dra-roomy")).json).toEqual({ Error: "" });
    expect(api!.pod("ml", "chat-0")!.spec!.nodeName).toBe("dra-roomy");
  });

  it("answers a filter error naming a claim the cache does not hold, and prioritize scores every node 0", async () => {
    // Only a claim of that name in another namespace exists: never the pod's.
    await start([claim("other", "gpu-claim", "10Gi")]);
    const pod = draPod("ml", "chat-1", ["gpu-claim"]);
    const message =
      "pod ml/chat-1's ResourceClaim ml/gpu-claim is not in tierfit's cache yet; kube-scheduler will retry";

    const reply = await filter(pod, ["dra-tight", "dra-roomy"]);
    expect(reply).toMatchObject({ NodeNames: null, FailedNodes: {}, FailedAndUnresolvableNodes: {}, Error: message });

    const prioritized = await post("prioritize", { Pod: pod, NodeNames: ["dra-tight", "dra-roomy"] });
    expect(prioritized).toEqual({
      status: 200,
      json: [
        { Host: "dra-tight", Score: 0 },
        { Host: "dra-roomy", Score: 0 },
      ],
    });

    // Once the claim arrives, the pod is judged by it.
    api!.putResourceClaim(claim("ml", "gpu-claim", "40Gi"));
    await waitFor("the claim in the cache", () => cluster!.claims.claimsOf("ml", ["gpu-claim"]).found.length === 1);
    expect((await filter(pod, ["dra-tight", "dra-roomy"])).NodeNames).toEqual(["dra-roomy"]);
  });

  it("counts an allocated claim's devices once, in the ledger, not again in the pod's need", async () => {
    // ml/mine holds dra-pair's gpu-0 whole; ml/more, still to be allocated, asks 30Gi of another GPU.
    const { free } = await start([
      claim("ml", "mine", "80Gi", { node: "dra-pair", device: "gpu-0" }),
      claim("ml", "more", "30Gi"),
    ]);
    await waitFor("ml/mine in the ledger", () => free("dra-pair")?.[0] === 0);
    const pod = draPod("ml", "train-0", ["mine", "more"]);

    const reply = await filter(pod, ["dra-pair", "dra-tight"]);
    expect(reply.Error).toBe("");
    // One GPU of 30 GiB: gpu-1 takes it (counting ml/mine again would need two GPUs, and gpu-0 is full).
    expect(reply.NodeNames).toEqual(["dra-pair"]);
    // It does need that GPU: 30 GiB fits no GPU of dra-tight.
    expect({ ...reply.FailedNodes, ...reply.FailedAndUnresolvableNodes }).toEqual({
      "dra-tight":
        "needs 1 GPU with 30 GiB via ResourceClaim ml/more; needs 30 GiB on one GPU; no GPU has that free (largest free: 20 GiB)",
    });
  });
});
