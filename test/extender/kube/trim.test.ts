/**
 * The informers keep objects without managedFields and node images, whether they came in a list
 * or a watch event, and keep everything tierfit reads.
 */
import { CoreV1Api, type V1Node } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { ResilientInformer } from "../../../src/extender/kube/resilient-informer.js";
import { trimmed } from "../../../src/extender/kube/trim.js";
import { FakeKubeApi } from "../../support/fake-kube-api.js";
import { v1Node } from "../../support/kube-objects.js";
import { collectingLogger, waitFor } from "./support.js";

const MANAGED_FIELDS = [
  { manager: "kubelet", operation: "Update", apiVersion: "v1", fieldsType: "FieldsV1", fieldsV1: { "f:status": {} } },
];
const IMAGES = [{ names: ["registry.example/llm@sha256:0123"], sizeBytes: 4_000_000_000 }];

/** A node as the API server sends it, with the fields the informers drop. */
function fullNode(name: string): V1Node {
  const node = v1Node({ name, gpus: 2 });
  return {
    ...node,
    metadata: { ...node.metadata, managedFields: MANAGED_FIELDS },
    status: { ...node.status, images: IMAGES },
  };
}

let api: FakeKubeApi | undefined;
let informer: ResilientInformer<V1Node> | undefined;

afterEach(async () => {
  await informer?.stop();
  await api?.close();
  informer = undefined;
  api = undefined;
});

describe("informer trimming", () => {
  it("drops managedFields and node images from listed and watched objects, and nothing else", async () => {
    api = await FakeKubeApi.start();
    api.putNode(fullNode("gpu-a"));
    const kubeConfig = api.kubeConfig();
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const seen: V1Node[] = [];
    informer = new ResilientInformer<V1Node>({
      name: "node",
      kubeConfig,
      path: "/api/v1/nodes",
      list: () => core.listNode(),
      handlers: { onList: (items) => seen.push(...items), onUpsert: (n) => seen.push(n), onDelete: () => {} },
      backoff: { initialMs: 20, maxMs: 200 },
      logger: collectingLogger().logger,
      clock: Date.now,
      random: Math.random,
    });
    await informer.start();
    await waitFor("the watch", () => api!.watchCount("nodes") === 1);
    api.putNode(fullNode("gpu-b"));
    await waitFor("gpu-b", () => (informer!.current() ?? []).length === 2);

    const kept = informer.current() ?? [];
    expect(kept.map((n) => n.metadata?.name).sort()).toEqual(["gpu-a", "gpu-b"]);
    for (const node of [...kept, ...seen]) {
      expect(node.metadata?.managedFields).toBeUndefined();
      expect(node.status?.images).toBeUndefined();
      expect(node.metadata?.labels).toEqual(v1Node({ name: node.metadata?.name ?? "", gpus: 2 }).metadata?.labels);
      expect(node.status?.allocatable).toEqual(v1Node({ name: "x", gpus: 2 }).status?.allocatable);
    }
  });

  it("leaves an object without those fields as it was", () => {
    const node = v1Node({ name: "plain" });
    expect(trimmed(structuredClone(node))).toEqual(node);
  });
});
