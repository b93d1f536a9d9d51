import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { loadNodes } from "../../src/cluster/load-objects.js";
import { defaultConfig } from "../../src/config/load.js";
import { buildClusterState } from "../../src/explain/cluster-state.js";
import { makeContext } from "../../src/scoring/context.js";

const ctx = makeContext(defaultConfig());
const GIB_UNITS = 1024 * 1000;

/** A node from the shipped examples: two 80 GiB A100s at the hypervisor tier. */
const nodes: V1Node[] = loadNodes("config/examples/nodes.yaml").filter((n) => n.metadata?.name === "gpu-a100-kata-01");

function gpuPod(name: string, opts: { gib: number; devices?: string; node?: string; phase?: string }): V1Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: "team",
      annotations: {
        "tierfit.io/gpu-memory": `${opts.gib}Gi`,
        ...(opts.devices ? { "tierfit.io/gpu-devices": opts.devices } : {}),
      },
    },
    spec: {
      nodeName: opts.node ?? "gpu-a100-kata-01",
      runtimeClassName: "kata-qemu",
      containers: [{ name: "c", image: "i", resources: { requests: { cpu: "1" }, limits: { "nvidia.com/gpu": "1" } } }],
    },
    status: { phase: opts.phase ?? "Running" },
  };
}

const free = (state: ReturnType<typeof buildClusterState>) =>
  state.nodes[0].devices.map((d) => d.freeUnits / GIB_UNITS);

describe("buildClusterState", () => {
  it("records annotated devices as given", () => {
    const s = buildClusterState(nodes, [gpuPod("a", { gib: 56, devices: '{"1": 57344}' })], ctx);
    expect(free(s)).toEqual([80, 24]);
    expect(s.nodes[0].requested.milliCpu).toBe(1000);
    expect(s.notes).toEqual([]);
  });

  it("places pods without the annotation after the annotated ones, as tierfit would, and says so", () => {
    // File order puts the unannotated pod first; it must still not take the annotated pod's device.
    const s = buildClusterState(
      nodes,
      [gpuPod("guess", { gib: 30 }), gpuPod("known", { gib: 56, devices: '{"0": 57344}' })],
      ctx,
    );
    // Binpacking puts the 30 GiB pod on GPU 1: GPU 0 has only 24 GiB left.
    expect(free(s)).toEqual([24, 50]);
    expect(s.notes).toEqual([
      "pod team/guess on gpu-a100-kata-01 has no tierfit.io/gpu-devices annotation; assumed on GPU 1 (30 GiB), where tierfit would place it",
    ]);
  });

  it("counts a guessed pod that fits no GPU for CPU only, and skips finished, unbound and elsewhere-bound pods", () => {
    const unbound = gpuPod("pending", { gib: 8 });
    delete unbound.spec!.nodeName;
    const s = buildClusterState(
      nodes,
      [
        gpuPod("big", { gib: 90 }),
        gpuPod("done", { gib: 8, devices: '{"0": 8192}', phase: "Succeeded" }),
        unbound,
        gpuPod("away", { gib: 8, node: "other-node" }),
      ],
      ctx,
    );
    expect(free(s)).toEqual([80, 80]);
    expect(s.nodes[0].requested.milliCpu).toBe(1000);
    expect(s.notes).toEqual([
      "pod team/done on gpu-a100-kata-01 has finished (Succeeded) and holds nothing; ignored",
      "pod team/pending is not bound to a node (no spec.nodeName); ignored",
      "pod team/away is bound to other-node, which is not in the nodes file; ignored",
      "pod team/big on gpu-a100-kata-01 has no tierfit.io/gpu-devices annotation and fits no GPU there (needs 90 GiB on one GPU; the largest GPU here has 80 GiB); counted for CPU and memory only",
    ]);
  });

  it("shows annotations that overcommit a device instead of hiding them", () => {
    const s = buildClusterState(
      nodes,
      [gpuPod("a", { gib: 56, devices: '{"0": 57344}' }), gpuPod("b", { gib: 56, devices: '{"0": 57344}' })],
      ctx,
    );
    expect(s.notes).toEqual([
      "the pods on the nodes overcommit: node gpu-a100-kata-01 device 0: 2 pods hold 112 GiB of 80 GiB",
    ]);
  });

  it("refuses a node listed twice", () => {
    expect(() => buildClusterState([...nodes, ...nodes], [], ctx)).toThrow("node gpu-a100-kata-01 is listed twice");
  });
});
