/**
 * Builders of realistic, complete v1 Node and Pod objects, shaped like what kube-apiserver
 * returns (metadata with uid/resourceVersion/creationTimestamp, defaulted spec fields, status),
 * so tests exercise the same JSON tierfit meets in a cluster. Everything is deterministic: the
 * uid derives from the name. Every option has a realistic default; `labels`/`annotations` merge
 * over the generated ones, and the escape hatches (`containers`, `initContainers`, `overhead`,
 * `allocatable`) replace what they name.
 */
import { createHash } from "node:crypto";
import type { V1Container, V1Node, V1NodeList, V1Pod, V1PodList } from "@kubernetes/client-node";
import { DEFAULT_PRODUCT_MEMORY_MIB } from "../../src/config/gpu-products.js";

const GPU_RESOURCE = "nvidia.com/gpu";
/** On the wire creationTimestamp is RFC 3339 text; the client library types it as Date. */
const CREATED = "2026-11-24T11:50:32Z" as unknown as Date;

export interface NodeOptions {
  name: string;
  /** Allocatable `nvidia.com/gpu`; 0 = a CPU node without GPU labels. */
  gpus?: number;
  /** `nvidia.com/gpu.memory`; default from the product; null = no label (memory unknown). */
  gpuMemoryMiB?: number | null;
  /** `nvidia.com/gpu.product`; default NVIDIA-A100-SXM4-80GB. */
  product?: string;
  /** `tierfit.io/isolation-tier` label; omitted by default. */
  tier?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Allocatable CPU (capacity equals it); default "64". */
  cpu?: string;
  /** Allocatable memory; default "503Gi". */
  memory?: string;
  pods?: string;
  unschedulable?: boolean;
  /** Replaces status.allocatable entries (e.g. a GPU marked unhealthy: `{"nvidia.com/gpu": "7"}`). */
  allocatable?: Record<string, string>;
  /** Container runtime the node reports, e.g. "containerd://1.7.13". */
  containerRuntime?: string;
}

export function v1Node(options: NodeOptions): V1Node {
  const { name, gpus = 0, product = "NVIDIA-A100-SXM4-80GB" } = options;
  const gpuMemoryMiB =
    options.gpuMemoryMiB === undefined ? (DEFAULT_PRODUCT_MEMORY_MIB[product] ?? 16384) : options.gpuMemoryMiB;
  const gpuLabels: Record<string, string> =
    gpus > 0
      ? {
          "nvidia.com/gpu.present": "true",
          "nvidia.com/gpu.count": String(gpus),
          "nvidia.com/gpu.product": product,
          "nvidia.com/gpu.family": "ampere",
          "nvidia.com/cuda.driver.major": "550",
          ...(gpuMemoryMiB === null ? {} : { "nvidia.com/gpu.memory": String(gpuMemoryMiB) }),
        }
      : {};
  const resources: Record<string, string> = {
    cpu: options.cpu ?? "64",
    "ephemeral-storage": "1797454477625",
    "hugepages-1Gi": "0",
    "hugepages-2Mi": "0",
    memory: options.memory ?? "503Gi",
    pods: options.pods ?? "110",
    ...(gpus > 0 ? { [GPU_RESOURCE]: String(gpus) } : {}),
  };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      uid: uidFor(`node/${name}`),
      resourceVersion: "1042",
      creationTimestamp: CREATED,
      labels: {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "node.kubernetes.io/instance-type": gpus > 0 ? `gpu-${gpus}x` : "cpu-64",
        ...gpuLabels,
        ...(options.tier === undefined ? {} : { "tierfit.io/isolation-tier": options.tier }),
        ...options.labels,
      },
      annotations: {
        "node.alpha.kubernetes.io/ttl": "0",
        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
        ...options.annotations,
      },
    },
    spec: {
      podCIDR: "10.244.1.0/24",
      podCIDRs: ["10.244.1.0/24"],
      providerID: `kind://docker/tierfit/${name}`,
      ...(options.unschedulable ? { unschedulable: true, taints: [unschedulableTaint()] } : {}),
    },
    status: {
      capacity: { ...resources },
      allocatable: { ...resources, ...options.allocatable },
      conditions: [
        condition("MemoryPressure", "False", "KubeletHasSufficientMemory"),
        condition("DiskPressure", "False", "KubeletHasNoDiskPressure"),
        condition("PIDPressure", "False", "KubeletHasSufficientPID"),
        condition("Ready", "True", "KubeletReady"),
      ],
      addresses: [
        { type: "InternalIP", address: "172.18.0.2" },
        { type: "Hostname", address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: hex(`machine/${name}`, 32),
        systemUUID: uidFor(`system/${name}`),
        bootID: uidFor(`boot/${name}`),
        kernelVersion: "6.5.0-1022-aws",
        osImage: "Ubuntu 22.04.4 LTS",
        containerRuntimeVersion: options.containerRuntime ?? "containerd://1.7.13",
        kubeletVersion: "v1.28.7",
        kubeProxyVersion: "v1.28.7",
        operatingSystem: "linux",
        architecture: "amd64",
      },
    },
  };
}

export interface ContainerOptions {
  name?: string;
  image?: string;
  /** CPU request (and limit when limitsOnly); omitted when undefined. */
  cpu?: string;
  memory?: string;
  gpus?: number;
  /** Put cpu/memory in limits only (the API server would default requests to them). */
  limitsOnly?: boolean;
  /** "Always" makes an init container a sidecar. */
  restartPolicy?: string;
}

export function v1Container(options: ContainerOptions = {}): V1Container {
  const own: Record<string, string> = {};
  if (options.cpu !== undefined) own.cpu = options.cpu;
  if (options.memory !== undefined) own.memory = options.memory;
  const gpu: Record<string, string> = options.gpus ? { [GPU_RESOURCE]: String(options.gpus) } : {};
  const requests = options.limitsOnly ? { ...gpu } : { ...own, ...gpu };
  const limits = options.limitsOnly ? { ...own, ...gpu } : { ...gpu };
  return {
    name: options.name ?? "main",
    image: options.image ?? "registry.example.com/inference/server:1.4.2",
    resources: {
      ...(Object.keys(limits).length > 0 ? { limits } : {}),
      ...(Object.keys(requests).length > 0 ? { requests } : {}),
    },
    ...(options.restartPolicy === undefined ? {} : { restartPolicy: options.restartPolicy }),
    terminationMessagePath: "/dev/termination-log",
    terminationMessagePolicy: "File",
    imagePullPolicy: "IfNotPresent",
  };
}

export interface PodOptions {
  name: string;
  namespace?: string;
  /** `nvidia.com/gpu` of the main container. */
  gpus?: number;
  /** `tierfit.io/gpu-memory` annotation, e.g. "20Gi". */
  gpuMemory?: string;
  /** `tierfit.io/gpu-fraction` annotation, e.g. "0.5". */
  gpuFraction?: string;
  /** `tierfit.io/gpu-products` annotation, e.g. "NVIDIA-A100-SXM4-80GB,NVIDIA-H100-80GB-HBM3". */
  gpuProducts?: string;
  runtimeClassName?: string;
  /** `tierfit.io/isolation-tier` annotation. */
  tier?: string;
  /** `tierfit.io/tenant` label. */
  tenant?: string;
  /** `tierfit.io/model` label. */
  model?: string;
  /** `tierfit.io/workload-class` label. */
  workloadClass?: string;
  /** Bound pods are Running with container statuses; unbound ones Pending. */
  nodeName?: string;
  /** Main container requests; default "1" and "4Gi". */
  cpu?: string;
  memory?: string;
  limitsOnly?: boolean;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Replace the single main container. */
  containers?: V1Container[];
  initContainers?: V1Container[];
  /** spec.overhead, as RuntimeClass admission sets it. */
  overhead?: Record<string, string>;
  uid?: string;
  schedulerName?: string;
  priority?: number;
}

export function v1Pod(options: PodOptions): V1Pod {
  const { name, namespace = "default" } = options;
  const containers = options.containers ?? [
    v1Container({
      cpu: options.cpu ?? "1",
      memory: options.memory ?? "4Gi",
      gpus: options.gpus,
      limitsOnly: options.limitsOnly,
    }),
  ];
  const labels: Record<string, string> = {
    app: name.replace(/-\d+$/, ""),
    ...(options.tenant === undefined ? {} : { "tierfit.io/tenant": options.tenant }),
    ...(options.model === undefined ? {} : { "tierfit.io/model": options.model }),
    ...(options.workloadClass === undefined ? {} : { "tierfit.io/workload-class": options.workloadClass }),
    ...options.labels,
  };
  const annotations: Record<string, string> = {
    ...(options.gpuMemory === undefined ? {} : { "tierfit.io/gpu-memory": options.gpuMemory }),
    ...(options.gpuFraction === undefined ? {} : { "tierfit.io/gpu-fraction": options.gpuFraction }),
    ...(options.gpuProducts === undefined ? {} : { "tierfit.io/gpu-products": options.gpuProducts }),
    ...(options.tier === undefined ? {} : { "tierfit.io/isolation-tier": options.tier }),
    ...options.annotations,
  };
  const bound = options.nodeName !== undefined;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace,
      uid: options.uid ?? uidFor(`pod/${namespace}/${name}`),
      resourceVersion: "2087",
      creationTimestamp: CREATED,
      labels,
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec: {
      ...(options.initContainers ? { initContainers: options.initContainers } : {}),
      containers,
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      dnsPolicy: "ClusterFirst",
      serviceAccountName: "default",
      serviceAccount: "default",
      ...(bound ? { nodeName: options.nodeName } : {}),
      securityContext: {},
      schedulerName: options.schedulerName ?? "default-scheduler",
      tolerations: [
        { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
        { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
        ...(options.gpus ? [{ key: GPU_RESOURCE, operator: "Exists", effect: "NoSchedule" }] : []),
      ],
      priority: options.priority ?? 0,
      enableServiceLinks: true,
      preemptionPolicy: "PreemptLowerPriority",
      ...(options.runtimeClassName === undefined ? {} : { runtimeClassName: options.runtimeClassName }),
      ...(options.overhead === undefined ? {} : { overhead: options.overhead }),
    },
    status: bound ? runningStatus(containers) : { phase: "Pending", qosClass: "Burstable" },
  };
}

export function v1NodeList(items: V1Node[]): V1NodeList {
  return { apiVersion: "v1", kind: "NodeList", metadata: { resourceVersion: "3001" }, items };
}

export function v1PodList(items: V1Pod[]): V1PodList {
  return { apiVersion: "v1", kind: "PodList", metadata: { resourceVersion: "3001" }, items };
}

function runningStatus(containers: V1Container[]): V1Pod["status"] {
  return {
    phase: "Running",
    conditions: ["Initialized", "Ready", "ContainersReady", "PodScheduled"].map((type) => ({
      type,
      status: "True",
      lastProbeTime: null as unknown as Date,
      lastTransitionTime: CREATED,
    })),
    hostIP: "172.18.0.2",
    podIP: "10.244.1.17",
    podIPs: [{ ip: "10.244.1.17" }],
    startTime: CREATED,
    containerStatuses: containers.map((c) => ({
      name: c.name,
      state: { running: { startedAt: CREATED } },
      ready: true,
      restartCount: 0,
      image: c.image ?? "",
      imageID: `${c.image}@sha256:${hex(`image/${c.image}`, 64)}`,
      containerID: `containerd://${hex(`container/${c.name}`, 64)}`,
      started: true,
    })),
    qosClass: "Burstable",
  };
}

function condition(type: string, status: string, reason: string) {
  const message = status === "True" ? "kubelet is posting ready status" : `kubelet reports no ${type}`;
  return { type, status, lastHeartbeatTime: CREATED, lastTransitionTime: CREATED, reason, message };
}

function unschedulableTaint() {
  return { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule", timeAdded: CREATED };
}

function hex(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/** A stable RFC 4122-shaped uid derived from `seed`. */
function uidFor(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
