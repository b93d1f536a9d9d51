import type { V1Node } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { nodeViewFromV1 } from "../../src/cluster/node-view.js";
import { globMatches } from "../../src/cluster/tier-match.js";
import { TierfitError } from "../../src/errors.js";
import { v1Node } from "../support/kube-objects.js";
import { clusterTestConfig } from "./test-config.js";

const config = clusterTestConfig();
const GI = 2 ** 30;

describe("nodeViewFromV1", () => {
  it("turns an 8×A100 node with GPU Feature Discovery labels into eight 80 GiB devices", () => {
    const view = nodeViewFromV1(v1Node({ name: "gpu-a100-1", gpus: 8, cpu: "96", memory: "1007Gi" }), config);
    expect(view.name).toBe("gpu-a100-1");
    expect(view.allocatable).toEqual({ milliCpu: 96_000, memoryBytes: 1007 * GI, pods: 110 });
    expect(view.gpus).toHaveLength(8);
    expect(view.gpus.map((g) => g.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(view.gpus[7]).toEqual({ index: 7, product: "NVIDIA-A100-SXM4-80GB", memoryMiB: 81920 });
    expect(view.tier).toBe(0);
    expect(view.tierSource).toBe("default: weakest tier");
    expect(view.unschedulable).toBe(false);
    expect(view.labels["kubernetes.io/hostname"]).toBe("gpu-a100-1");
  });

  it("reads allocatable, not capacity, and falls back to capacity per resource", () => {
    const node = v1Node({ name: "gpu-2", gpus: 8, cpu: "64", allocatable: { cpu: "63500m", "nvidia.com/gpu": "7" } });
    delete node.status!.allocatable!.memory;
    const view = nodeViewFromV1(node, config);
    expect(view.allocatable.milliCpu).toBe(63_500);
    expect(view.allocatable.memoryBytes).toBe(503 * GI); // from capacity
    expect(view.gpus).toHaveLength(7); // one device unhealthy
  });

  it("uses the product's configured memory when the node has no memory label, else 0 (unknown)", () => {
    const t4 = nodeViewFromV1(v1Node({ name: "t4", gpus: 4, product: "Tesla-T4", gpuMemoryMiB: null }), config);
    expect(t4.gpus.map((g) => g.memoryMiB)).toEqual([15360, 15360, 15360, 15360]);
    const odd = nodeViewFromV1(v1Node({ name: "odd", gpus: 2, product: "NVIDIA-X9", gpuMemoryMiB: null }), config);
    expect(odd.gpus).toEqual([
      { index: 0, product: "NVIDIA-X9", memoryMiB: 0 },
      { index: 1, product: "NVIDIA-X9", memoryMiB: 0 },
    ]);
    const noLabels = v1Node({ name: "bare", gpus: 1 });
    noLabels.metadata!.labels = { "kubernetes.io/hostname": "bare" };
    expect(nodeViewFromV1(noLabels, config).gpus).toEqual([{ index: 0, product: "unknown", memoryMiB: 0 }]);
  });

  it("gives a CPU-only node no devices", () => {
    expect(nodeViewFromV1(v1Node({ name: "cpu-1" }), config).gpus).toEqual([]);
  });

  it.each<[string, Record<string, string>, number, string]>([
    ["the tier label", { "tierfit.io/isolation-tier": "hypervisor" }, 2, "label tierfit.io/isolation-tier=hypervisor"],
    [
      "a runtime label with the required value",
      { "katacontainers.io/kata-runtime": "true" },
      2,
      "runtime label katacontainers.io/kata-runtime=true",
    ],
    [
      "a runtime label that must only be present",
      { "runtime.gvisor.dev/enabled": "yes" },
      1,
      "runtime label runtime.gvisor.dev/enabled=yes",
    ],
    [
      "the strongest of several runtime labels",
      { "runtime.gvisor.dev/enabled": "true", "katacontainers.io/kata-runtime": "true" },
      2,
      "runtime label katacontainers.io/kata-runtime=true",
    ],
    [
      "nothing when the runtime label's value differs",
      { "katacontainers.io/kata-runtime": "false" },
      0,
      "default: weakest tier",
    ],
    [
      "the tier label over runtime labels",
      { "tierfit.io/isolation-tier": "sandboxed", "katacontainers.io/kata-runtime": "true" },
      1,
      "label tierfit.io/isolation-tier=sandboxed",
    ],
  ])("takes its tier from %s", (_, labels, tier, source) => {
    const view = nodeViewFromV1(v1Node({ name: "n1", gpus: 1, labels }), config);
    expect(view.tier).toBe(tier);
    expect(view.tierSource).toBe(source);
  });

  it("refuses a tier label naming no configured tier, saying which node, label and names", () => {
    expect(() => nodeViewFromV1(v1Node({ name: "gpu-7", tier: "vm" }), config)).toThrow(
      new TierfitError(
        "TF_ERR_INPUT",
        'node gpu-7, label tierfit.io/isolation-tier names tier "vm", which is not configured (tiers: shared-kernel, sandboxed, hypervisor)',
      ),
    );
  });

  it("refuses a runtime-label entry naming no configured tier as a config error", () => {
    const bad = clusterTestConfig();
    bad.tierSources.runtimeLabels.push({ label: "example.com/vm", tier: "vm" });
    const err = catchError(() => nodeViewFromV1(v1Node({ name: "n", labels: { "example.com/vm": "1" } }), bad));
    expect(err.code).toBe("TF_ERR_CONFIG");
    expect(err.message).toContain('names tier "vm"');
  });

  it("marks a cordoned node unschedulable", () => {
    expect(nodeViewFromV1(v1Node({ name: "n", unschedulable: true }), config).unschedulable).toBe(true);
  });

  it("gives the same view for the object after a JSON round trip (the wire form)", () => {
    const node = v1Node({ name: "gpu-3", gpus: 4, tier: "sandboxed" });
    expect(nodeViewFromV1(JSON.parse(JSON.stringify(node)) as V1Node, config)).toEqual(nodeViewFromV1(node, config));
  });

  it.each<[string, (n: V1Node) => void, string]>([
    [
      "a malformed memory label",
      (n) => {
        n.metadata!.labels!["nvidia.com/gpu.memory"] = "80GB";
      },
      'node gpu-9, label nvidia.com/gpu.memory="80GB" is not a number of MiB',
    ],
    [
      "a fractional GPU count",
      (n) => {
        n.status!.allocatable!["nvidia.com/gpu"] = "1.5";
      },
      "node gpu-9, status.allocatable.nvidia.com/gpu: a GPU count must be a whole number, got 1.5",
    ],
    [
      "a malformed cpu quantity",
      (n) => {
        n.status!.allocatable!.cpu = "lots";
      },
      'node gpu-9, status.allocatable.cpu: "lots" is not a Kubernetes quantity',
    ],
    [
      "a label value that is not a string",
      (n) => {
        (n.metadata!.labels as Record<string, unknown>)["tierfit.io/isolation-tier"] = 2;
      },
      "node gpu-9, metadata.labels.tierfit.io/isolation-tier must be a string (quote it in YAML), got number 2",
    ],
    [
      "labels that are not an object",
      (n) => {
        (n.metadata as Record<string, unknown>).labels = ["a"];
      },
      "node gpu-9, metadata.labels must be an object, got a list",
    ],
    [
      "a missing name",
      (n) => {
        delete n.metadata!.name;
      },
      "node metadata.name is missing",
    ],
  ])("refuses %s", (_, spoil, message) => {
    const node = v1Node({ name: "gpu-9", gpus: 2 });
    spoil(node);
    expect(() => nodeViewFromV1(node, config)).toThrow(message);
  });

  it("refuses input that is not an object", () => {
    expect(() => nodeViewFromV1("node" as unknown as V1Node, config)).toThrow("a node must be a JSON object");
  });
});

describe("globMatches", () => {
  it.each<[string, string, boolean]>([
    ["kata", "kata", true],
    ["kata", "kata-qemu", false],
    ["kata-*", "kata-qemu", true],
    ["kata-*", "kata-", true],
    ["kata-*", "kata", false],
    ["*", "anything", true],
    ["*-vm", "firecracker-vm", true],
    ["*-vm", "firecracker-vmm", false],
    ["k*a*x", "kaax", true],
    ["k*a*x", "kax", true],
    ["k*ab*b", "kab", false],
    ["gvisor.*", "gvisorx", false],
  ])("%s ~ %s → %s", (pattern, text, expected) => {
    expect(globMatches(pattern, text)).toBe(expected);
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
