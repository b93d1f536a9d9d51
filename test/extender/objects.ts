/**
 * Full, realistic v1 objects for the extender tests: nodes cloned from a GPU node as kubelet,
 * GPU Feature Discovery and NFD describe it (fixtures/gpu-node.json), pods cloned from the pod a
 * real kube-scheduler v1.28 sent (test/fixtures/kube-scheduler-v1.28), then adjusted.
 */
import { readFileSync } from "node:fs";
import type { V1Node, V1Pod } from "@kubernetes/client-node";

const NODE_TEMPLATE = readFileSync(new URL("./fixtures/gpu-node.json", import.meta.url), "utf8");
const POD_TEMPLATE = JSON.stringify(
  (
    JSON.parse(
      readFileSync(new URL("../fixtures/kube-scheduler-v1.28/names-filter-request.json", import.meta.url), "utf8"),
    ) as { Pod: unknown }
  ).Pod,
);

export interface NodeSpec {
  readonly name: string;
  readonly gpus?: number;
  readonly memoryMiB?: number;
  readonly product?: string;
  /** tierfit.io/isolation-tier; null = no label. */
  readonly tier?: string | null;
  readonly cpu?: string;
  readonly memory?: string;
  readonly resourceVersion?: string;
}

export function gpuNode(spec: NodeSpec): V1Node {
  const node = JSON.parse(NODE_TEMPLATE);
  const gpus = String(spec.gpus ?? 8);
  node.metadata.name = spec.name;
  node.metadata.uid = `uid-node-${spec.name}`;
  node.metadata.resourceVersion = spec.resourceVersion ?? "4829104";
  const labels = node.metadata.labels;
  labels["kubernetes.io/hostname"] = spec.name;
  labels["nvidia.com/gpu.count"] = gpus;
  labels["nvidia.com/gpu.memory"] = String(spec.memoryMiB ?? 40960);
  labels["nvidia.com/gpu.product"] = spec.product ?? "NVIDIA-A100-SXM4-40GB";
  if (spec.tier === null) delete labels["tierfit.io/isolation-tier"];
  else labels["tierfit.io/isolation-tier"] = spec.tier ?? "sandboxed";
  for (const list of [node.status.capacity, node.status.allocatable]) {
    list["nvidia.com/gpu"] = gpus;
    if (spec.cpu) list.cpu = spec.cpu;
    if (spec.memory) list.memory = spec.memory;
  }
  return node as V1Node;
}

export interface PodSpec {
  readonly name: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly gpus?: number;
  /** tierfit.io/gpu-memory, e.g. "20Gi"; absent = whole devices. */
  readonly gpuMemory?: string;
  readonly tenant?: string;
  /** tierfit.io/isolation-tier annotation. */
  readonly tier?: string;
  /** spec.runtimeClassName; absent = none. */
  readonly runtimeClassName?: string;
  readonly cpu?: string;
  readonly memory?: string;
  readonly annotations?: Record<string, string>;
  readonly nodeName?: string;
  /** spec.schedulerName; default "tierfit", the profile the shipped config names. */
  readonly schedulerName?: string;
}

export function gpuPod(spec: PodSpec): V1Pod {
  const pod = JSON.parse(POD_TEMPLATE);
  pod.metadata.name = spec.name;
  pod.metadata.namespace = spec.namespace ?? "default";
  pod.metadata.uid = spec.uid ?? `uid-${spec.name}`;
  const annotations: Record<string, string> = { ...spec.annotations };
  if (spec.gpuMemory) annotations["tierfit.io/gpu-memory"] = spec.gpuMemory;
  if (spec.tier) annotations["tierfit.io/isolation-tier"] = spec.tier;
  if (Object.keys(annotations).length > 0) pod.metadata.annotations = annotations;
  if (spec.tenant) pod.metadata.labels = { "tierfit.io/tenant": spec.tenant };
  const gpus = String(spec.gpus ?? 1);
  const resources = pod.spec.containers[0].resources;
  resources.limits["nvidia.com/gpu"] = gpus;
  resources.requests["nvidia.com/gpu"] = gpus;
  resources.requests.cpu = spec.cpu ?? "1";
  resources.requests.memory = spec.memory ?? "1Gi";
  if (spec.nodeName) pod.spec.nodeName = spec.nodeName;
  if (spec.runtimeClassName) pod.spec.runtimeClassName = spec.runtimeClassName;
  pod.spec.schedulerName = spec.schedulerName ?? "tierfit";
  return pod as V1Pod;
}
