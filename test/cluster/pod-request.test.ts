import { readFileSync } from "node:fs";
import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { podRequestFromV1 } from "../../src/cluster/pod-request.js";
import { TierfitError } from "../../src/errors.js";
import { v1Container, v1Pod } from "../support/kube-objects.js";
import { clusterTestConfig } from "./test-config.js";

const config = clusterTestConfig();
const MI = 2 ** 20;
const GI = 2 ** 30;

describe("podRequestFromV1: identity, GPUs and labels", () => {
  it("reads an inference pod asking for 20 GiB on one GPU", () => {
    const pod = v1Pod({
      name: "llama-0",
      namespace: "ml",
      gpus: 1,
      gpuMemory: "20Gi",
      tenant: "team-a",
      model: "llama-3-8b",
      cpu: "4",
      memory: "16Gi",
    });
    expect(podRequestFromV1(pod, config)).toEqual({
      key: "ml/llama-0",
      namespace: "ml",
      name: "llama-0",
      uid: pod.metadata!.uid,
      gpuCount: 1,
      gpuMemory: { kind: "mib", mib: 20480 },
      resources: { milliCpu: 4000, memoryBytes: 16 * GI, pods: 1 },
      tier: 0,
      tierSource: "default: weakest tier",
      sharingTier: 0,
      // The label is ignored: the operator has not let labels narrow tenants in "ml".
      tenant: "ml",
      model: "llama-3-8b",
      workloadClass: "default",
      gpuProducts: [],
    });
  });

  it("defaults: the whole device, the namespace as tenant, no model", () => {
    const req = podRequestFromV1(v1Pod({ name: "train", namespace: "research", gpus: 8 }), config);
    expect(req.gpuMemory).toEqual({ kind: "milli", milli: 1000 });
    expect(req.tenant).toBe("research");
    expect(req.model).toBeNull();
    expect(req.gpuCount).toBe(8);
  });

  it("reads a pod without GPUs as gpuCount 0", () => {
    expect(podRequestFromV1(v1Pod({ name: "web" }), config).gpuCount).toBe(0);
  });

  it.each<[Record<string, string>, unknown]>([
    [{ "tierfit.io/gpu-fraction": "0.5" }, { kind: "milli", milli: 500 }],
    [{ "tierfit.io/gpu-fraction": "250m" }, { kind: "milli", milli: 250 }],
    [{ "tierfit.io/gpu-fraction": "1" }, { kind: "milli", milli: 1000 }],
    [{ "tierfit.io/gpu-memory": "1.5G" }, { kind: "mib", mib: 1.5e9 / MI }],
    [{ "tierfit.io/gpu-memory": "512Mi" }, { kind: "mib", mib: 512 }],
  ])("reads GPU memory from %j", (annotations, expected) => {
    expect(podRequestFromV1(v1Pod({ name: "p", gpus: 1, annotations }), config).gpuMemory).toEqual(expected);
  });

  it.each<[Record<string, string>, string]>([
    [{ "tierfit.io/gpu-fraction": "1.5" }, 'annotation tierfit.io/gpu-fraction: "1.5" must be above 0 and at most 1'],
    [{ "tierfit.io/gpu-fraction": "0" }, 'annotation tierfit.io/gpu-fraction: "0" must be above 0'],
    [{ "tierfit.io/gpu-memory": "0" }, 'annotation tierfit.io/gpu-memory: "0" must be more than 0'],
    [{ "tierfit.io/gpu-memory": "20 GB" }, 'annotation tierfit.io/gpu-memory: "20 GB" is not a Kubernetes quantity'],
    [
      { "tierfit.io/gpu-memory": "20Gi", "tierfit.io/gpu-fraction": "0.5" },
      "sets both tierfit.io/gpu-memory and tierfit.io/gpu-fraction",
    ],
  ])("refuses GPU memory %j", (annotations, message) => {
    expect(() => podRequestFromV1(v1Pod({ name: "p", namespace: "ml", gpus: 1, annotations }), config)).toThrow(
      `pod ml/p${message.startsWith("sets") ? " " : ", "}${message}`,
    );
  });

  it("reads allowed GPU products and the workload class", () => {
    const req = podRequestFromV1(
      v1Pod({
        name: "p",
        gpuProducts: " NVIDIA-A100-SXM4-80GB, NVIDIA-H100-80GB-HBM3,,",
        workloadClass: "latency-sensitive",
      }),
      config,
    );
    expect(req.gpuProducts).toEqual(["NVIDIA-A100-SXM4-80GB", "NVIDIA-H100-80GB-HBM3"]);
    expect(req.workloadClass).toBe("latency-sensitive");
    expect(podRequestFromV1(v1Pod({ name: "p", workloadClass: "batch" }), config).workloadClass).toBe("default");
    expect(podRequestFromV1(v1Pod({ name: "p", workloadClass: "constructor" }), config).workloadClass).toBe("default");
  });

  it("reads the pod kube-scheduler v1.28 sent in a preempt request", () => {
    const body = JSON.parse(readFileSync("test/fixtures/kube-scheduler-v1.28/full-preempt-request.json", "utf8"));
    const req = podRequestFromV1(body.Pod as V1Pod, config);
    expect(req.key).toBe("default/high-gpu-preemptor");
    expect(req.uid).toBe("056e4ac0-5bad-4571-afc9-b604aac3c2ca");
    expect(req.gpuCount).toBe(8);
    expect(req.resources).toEqual({ milliCpu: 1000, memoryBytes: GI, pods: 1 });
  });
});

describe("podRequestFromV1: effective requests the way kube-scheduler computes them", () => {
  const resourcesOf = (pod: V1Pod) => podRequestFromV1(pod, config).resources;

  it("sums containers exactly before rounding", () => {
    const pod = v1Pod({
      name: "p",
      containers: [
        v1Container({ name: "a", cpu: "0.1", memory: "100Mi", gpus: 2 }),
        v1Container({ name: "b", cpu: "0.2", memory: "0.5Gi", gpus: 1 }),
        v1Container({ name: "c", cpu: "0.5m" }),
        v1Container({ name: "d", cpu: "0.5m" }),
      ],
    });
    expect(resourcesOf(pod)).toEqual({ milliCpu: 301, memoryBytes: 612 * MI, pods: 1 });
    expect(podRequestFromV1(pod, config).gpuCount).toBe(3);
  });

  it("takes limits as requests when only limits are set, and requests when both are", () => {
    expect(resourcesOf(v1Pod({ name: "p", cpu: "2", memory: "8Gi", limitsOnly: true }))).toEqual({
      milliCpu: 2000,
      memoryBytes: 8 * GI,
      pods: 1,
    });
    const both = v1Pod({ name: "p" });
    both.spec!.containers[0].resources = { requests: { cpu: "500m" }, limits: { cpu: "4", memory: "1Gi" } };
    expect(resourcesOf(both)).toEqual({ milliCpu: 500, memoryBytes: GI, pods: 1 });
  });

  it("counts GPUs given as limits only", () => {
    const pod = v1Pod({ name: "p" });
    pod.spec!.containers[0].resources = { limits: { "nvidia.com/gpu": "2" } };
    expect(podRequestFromV1(pod, config).gpuCount).toBe(2);
  });

  it("takes the max of running containers and init containers, counting sidecars started before", () => {
    // KEP-753: sidecars add to the running sum and to every later init container.
    const pod = v1Pod({
      name: "p",
      containers: [v1Container({ name: "main", cpu: "1", memory: "1Gi" })],
      initContainers: [
        v1Container({ name: "fetch-weights", cpu: "2", memory: "512Mi" }),
        v1Container({ name: "proxy", cpu: "500m", memory: "256Mi", restartPolicy: "Always" }),
        v1Container({ name: "warmup", cpu: "1", memory: "3Gi" }),
      ],
    });
    // cpu: running 1 + 0.5 = 1.5 < fetch-weights 2 → 2; memory: warmup 3Gi + proxy 256Mi = 3328Mi > 1280Mi
    expect(resourcesOf(pod)).toEqual({ milliCpu: 2000, memoryBytes: 3328 * MI, pods: 1 });
  });

  it("lets sidecars dominate when they outweigh every init container", () => {
    const pod = v1Pod({
      name: "p",
      containers: [v1Container({ name: "main", cpu: "3", memory: "2Gi" })],
      initContainers: [
        v1Container({ name: "log", cpu: "1", memory: "1Gi", restartPolicy: "Always" }),
        v1Container({ name: "init", cpu: "2", memory: "2Gi" }),
      ],
    });
    expect(resourcesOf(pod)).toEqual({ milliCpu: 4000, memoryBytes: 3 * GI, pods: 1 });
  });

  it("counts GPUs of init containers as a max, not a sum", () => {
    const pod = v1Pod({
      name: "p",
      containers: [v1Container({ name: "main", gpus: 1, cpu: "1" })],
      initContainers: [v1Container({ name: "probe-gpus", gpus: 2, cpu: "100m" })],
    });
    expect(podRequestFromV1(pod, config).gpuCount).toBe(2);
  });

  it("adds the RuntimeClass overhead", () => {
    const pod = v1Pod({
      name: "p",
      runtimeClassName: "kata-qemu",
      cpu: "1",
      memory: "2Gi",
      overhead: { cpu: "250m", memory: "160Mi" },
    });
    expect(resourcesOf(pod)).toEqual({ milliCpu: 1250, memoryBytes: 2 * GI + 160 * MI, pods: 1 });
  });

  it("uses pod-level requests for cpu/memory when set, then adds overhead", () => {
    const pod = v1Pod({ name: "p", cpu: "1", memory: "2Gi", overhead: { cpu: "100m" } });
    pod.spec!.resources = { requests: { cpu: "4" } };
    expect(resourcesOf(pod)).toEqual({ milliCpu: 4100, memoryBytes: 2 * GI, pods: 1 });
  });

  it("counts a container without resources as zero", () => {
    const pod = v1Pod({ name: "p", containers: [v1Container({ name: "idle" }), v1Container({ name: "w", cpu: "1" })] });
    expect(resourcesOf(pod)).toEqual({ milliCpu: 1000, memoryBytes: 0, pods: 1 });
  });
});

describe("podRequestFromV1: the tier a pod needs and the tier it runs at", () => {
  // [runtimeClassName, annotation, tier, sharingTier, tierSource]: the annotation may raise the
  // tier a pod needs, but the tier it runs at, which decides sharing across tenants, is its
  // RuntimeClass's alone.
  it.each<[string | undefined, string | undefined, number, number, string]>([
    [undefined, undefined, 0, 0, "default: weakest tier"],
    ["runc", undefined, 0, 0, "runtimeClassName runc (matches runc)"],
    ["gvisor", undefined, 1, 1, "runtimeClassName gvisor (matches gvisor)"],
    ["kata-qemu", undefined, 2, 2, "runtimeClassName kata-qemu (matches kata-*)"],
    ["nvidia", undefined, 0, 0, "default: weakest tier (runtimeClassName nvidia matches no tier)"],
    [undefined, "sandboxed", 1, 0, "annotation tierfit.io/isolation-tier=sandboxed"],
    [undefined, "hypervisor", 2, 0, "annotation tierfit.io/isolation-tier=hypervisor"],
    ["runc", "hypervisor", 2, 0, "annotation tierfit.io/isolation-tier=hypervisor"],
    ["nvidia", "hypervisor", 2, 0, "annotation tierfit.io/isolation-tier=hypervisor"],
    ["kata", "sandboxed", 2, 2, "runtimeClassName kata (matches kata)"],
    [
      "kata",
      "hypervisor",
      2,
      2,
      "runtimeClassName kata (matches kata) and annotation tierfit.io/isolation-tier=hypervisor",
    ],
    [
      "runsc",
      "sandboxed",
      1,
      1,
      "runtimeClassName runsc (matches runsc) and annotation tierfit.io/isolation-tier=sandboxed",
    ],
  ])("runtimeClassName %s, annotation %s → tier %d, runs at %d", (runtimeClassName, tier, expected, runsAt, source) => {
    const req = podRequestFromV1(v1Pod({ name: "p", runtimeClassName, tier }), config);
    expect(req.tier).toBe(expected);
    expect(req.sharingTier).toBe(runsAt);
    expect(req.tierSource).toBe(source);
    expect(req.runtimeClassName).toBe(runtimeClassName);
  });

  it("refuses an annotation naming no configured tier", () => {
    expect(() => podRequestFromV1(v1Pod({ name: "p", namespace: "ml", tier: "vm" }), config)).toThrow(
      'pod ml/p, annotation tierfit.io/isolation-tier names tier "vm", which is not configured (tiers: shared-kernel, sandboxed, hypervisor)',
    );
  });
});

describe("podRequestFromV1: malformed pods", () => {
  it.each<[string, (p: V1Pod) => void, string]>([
    [
      "a malformed cpu request in the second container",
      (p) => {
        p.spec!.containers.push(v1Container({ name: "sidecar", cpu: "two" }));
      },
      'pod ml/web, spec.containers[1].resources.requests.cpu: "two" is not a Kubernetes quantity (examples: 500m, 1.5, 20Gi)',
    ],
    [
      "a negative memory limit",
      (p) => {
        p.spec!.containers[0].resources = { limits: { memory: "-1Gi" } };
      },
      'pod ml/web, spec.containers[0].resources.limits.memory: "-1Gi" is negative',
    ],
    [
      "a fractional GPU count",
      (p) => {
        p.spec!.containers[0].resources!.requests!["nvidia.com/gpu"] = "0.5";
      },
      'pod ml/web, spec.containers[0].resources.requests.nvidia.com/gpu: "0.5" is not a whole number',
    ],
    [
      "a malformed init container request",
      (p) => {
        p.spec!.initContainers = [v1Container({ name: "init", memory: "1 Gi" })];
      },
      'pod ml/web, spec.initContainers[0].resources.requests.memory: "1 Gi" is not a Kubernetes quantity',
    ],
    [
      "a malformed overhead",
      (p) => {
        p.spec!.overhead = { cpu: "x" };
      },
      'pod ml/web, spec.overhead.cpu: "x" is not a Kubernetes quantity',
    ],
    [
      "no containers",
      (p) => {
        p.spec!.containers = [];
      },
      "pod ml/web has no containers (spec.containers)",
    ],
    [
      "a missing spec",
      (p) => {
        delete p.spec;
      },
      "pod ml/web has no containers (spec.containers)",
    ],
    [
      "containers that are not a list",
      (p) => {
        (p.spec as unknown as Record<string, unknown>).containers = { name: "main" };
      },
      'pod ml/web, spec.containers must be a list, got object {"name":"main"}',
    ],
    [
      "a requests block that is not an object",
      (p) => {
        (p.spec!.containers[0].resources as Record<string, unknown>).requests = "1";
      },
      'pod ml/web, spec.containers[0].resources.requests must be an object, got string "1"',
    ],
    [
      "an annotation that is not a string",
      (p) => {
        p.metadata!.annotations = { "tierfit.io/gpu-fraction": 0.5 as unknown as string };
      },
      "pod ml/web, metadata.annotations.tierfit.io/gpu-fraction must be a string (quote it in YAML), got number 0.5",
    ],
  ])("refuses %s, naming the pod and the field", (_, spoil, message) => {
    const pod = v1Pod({ name: "web", namespace: "ml", gpus: 1 });
    spoil(pod);
    const err = catchError(() => podRequestFromV1(pod, config));
    expect(err).toBeInstanceOf(TierfitError);
    expect(err.message.slice(0, message.length)).toBe(message);
  });

  it("defaults a missing namespace to default and requires a name", () => {
    const pod = v1Pod({ name: "p" });
    delete pod.metadata!.namespace;
    expect(podRequestFromV1(pod, config).key).toBe("default/p");
    delete pod.metadata!.name;
    expect(() => podRequestFromV1(pod, config)).toThrow("pod metadata.name is missing");
  });
});

function catchError(fn: () => unknown): TierfitError {
  try {
    fn();
  } catch (err) {
    return err as TierfitError;
  }
  throw new Error("expected an error");
}
