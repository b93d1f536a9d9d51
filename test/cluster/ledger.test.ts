import { describe, expect, it } from "vitest";
import { AllocationLedger } from "../../src/cluster/ledger.js";
import { nodeViewFromV1 } from "../../src/cluster/node-view.js";
import type { Allocation, DeviceAssignment, NodeView } from "../../src/cluster/types.js";
import { v1Node } from "../support/kube-objects.js";
import { clusterTestConfig } from "./test-config.js";

const GIB = 1024 * 1000; // ledger units in one GiB

function view(name: string, gpus: number, memoryMiB = 81920, tier = 0): NodeView {
  return {
    name,
    labels: {},
    allocatable: { milliCpu: 64_000, memoryBytes: 512 * 2 ** 30, pods: 110 },
    gpus: Array.from({ length: gpus }, (_, index) => ({ index, product: "NVIDIA-A100-SXM4-80GB", memoryMiB })),
    tier,
    tierSource: "default: weakest tier",
    unschedulable: false,
  };
}

function alloc(podKey: string, node: string, devices: DeviceAssignment[], extra: Partial<Allocation> = {}): Allocation {
  return { podKey, node, tenant: "team-a", sharingTier: 0, milliCpu: 1000, memoryBytes: 2 ** 30, devices, ...extra };
}

describe("AllocationLedger", () => {
  it("cpuPerGpu: requested CPU over allocated GPU thousandths, on nodes with some GPU allocated (hand-computed)", () => {
    const ledger = new AllocationLedger();
    ledger.upsertNode(view("a", 2));
    ledger.upsertNode(view("b", 4));
    ledger.upsertNode(view("c", 1));
    expect(ledger.cpuPerGpu()).toBe(0);
    // a: 8 cores for a quarter of one 80 GiB GPU (20 GiB → 250 thousandths), plus a CPU-only pod
    // of 2 cores on the same node: 10 000 / 250 = 40 (40 cores per GPU).
    ledger.assign(alloc("p/1", "a", [{ index: 0, units: 20 * GIB }], { milliCpu: 8000 }));
    ledger.assign(alloc("p/2", "a", [], { milliCpu: 2000 }));
    // c: a CPU-only pod on a node with no GPU allocated counts nowhere.
    ledger.assign(alloc("p/3", "c", [], { milliCpu: 30_000 }));
    expect(ledger.cpuPerGpu()).toBe(40);
    // b: two whole GPUs with 6 cores: (10 000 + 6000) / (250 + 2000) = 7.11…
    ledger.assign(
      alloc(
        "p/4",
        "b",
        [
          { index: 0, units: 80 * GIB },
          { index: 1, units: 80 * GIB },
        ],
        { milliCpu: 6000 },
      ),
    );
    expect(ledger.cpuPerGpu()).toBeCloseTo(16_000 / 2250, 12);
    // Releasing a's GPU pod leaves a's CPU-only pod on a node with no GPU allocated: b alone.
    ledger.release("p/1");
    expect(ledger.cpuPerGpu()).toBeCloseTo(3, 12);
    // A node that leaves takes its part along; with nothing allocated, nothing is known.
    ledger.removeNode("b");
    expect(ledger.cpuPerGpu()).toBe(0);
  });

  it("records an assignment: free units, occupants with tenant and sharing tier, requested sums, version", () => {
    const ledger = new AllocationLedger();
    ledger.upsertNode(nodeViewFromV1(v1Node({ name: "gpu-1", gpus: 2 }), clusterTestConfig()));
    const before = ledger.node("gpu-1")!;
    expect(before.devices.map((d) => d.freeUnits)).toEqual([80 * GIB, 80 * GIB]);

    const rejection = ledger.assign(
      alloc("ml/a", "gpu-1", [{ index: 1, units: 20 * GIB }], { tenant: "team-b", sharingTier: 2, milliCpu: 4000 }),
    );
    expect(rejection).toBeNull();
    const after = ledger.node("gpu-1")!;
    expect(after.version).toBeGreaterThan(before.version);
    expect(after.devices[1]).toEqual({
      index: 1,
      product: "NVIDIA-A100-SXM4-80GB",
      capacityUnits: 80 * GIB,
      freeUnits: 60 * GIB,
      // No model on the allocation; one device held.
      occupants: [{ podKey: "ml/a", tenant: "team-b", sharingTier: 2, units: 20 * GIB, model: null, gpus: 1 }],
    });
    expect(after.devices[0].occupants).toEqual([]);
    expect(after.requested).toEqual({ milliCpu: 4000, memoryBytes: 2 ** 30, pods: 1 });
    // The earlier snapshot is untouched: readers holding it see a consistent node.
    expect(before.devices[1].freeUnits).toBe(80 * GIB);
  });

  it.each<[string, Allocation, string, boolean]>([
    [
      "a device without room",
      alloc("ml/b", "gpu-1", [{ index: 0, units: 40 * GIB }]),
      "node gpu-1 device 0: needs 40 GiB; 30 GiB free of 80 GiB",
      false,
    ],
    ["an unknown node", alloc("ml/b", "gpu-9", []), "node gpu-9 is not in the cluster cache", true],
    [
      "a device the node does not have",
      alloc("ml/b", "gpu-1", [{ index: 2, units: 1 }]),
      "node gpu-1 has no GPU device 2 (it has 2)",
      true,
    ],
    [
      "a pod that already holds an allocation",
      alloc("ml/a", "gpu-1", [{ index: 1, units: 1 }]),
      "pod ml/a already holds an allocation on node gpu-1",
      true,
    ],
    [
      "the same device twice",
      alloc("ml/b", "gpu-1", [
        { index: 1, units: 10 * GIB },
        { index: 1, units: 10 * GIB },
      ]),
      "device 1 is assigned twice in one allocation",
      true,
    ],
    [
      "negative units",
      alloc("ml/b", "gpu-1", [{ index: 1, units: -5 }]),
      "device 1: -5 is not a whole, non-negative number of memory units",
      true,
    ],
  ])("rejects %s and changes nothing", (_, request, reason, unresolvable) => {
    const ledger = new AllocationLedger();
    ledger.upsertNode(view("gpu-1", 2));
    expect(ledger.assign(alloc("ml/a", "gpu-1", [{ index: 0, units: 50 * GIB }]))).toBeNull();
    const state = ledger.node("gpu-1");
    const nodes = ledger.nodes();

    expect(ledger.assign(request)).toEqual({ signal: "ledger", reason, unresolvable });
    expect(ledger.node("gpu-1")).toBe(state);
    expect(ledger.nodes()).toBe(nodes);
    expect([...ledger.allocations()].map((a) => a.podKey)).toEqual(["ml/a"]);
  });

  it("releases exactly what was taken", () => {
    const ledger = new AllocationLedger();
    ledger.upsertNode(view("gpu-1", 2));
    const a = alloc("ml/a", "gpu-1", [
      { index: 0, units: 30 * GIB },
      { index: 1, units: 12_345 },
    ]);
    ledger.assign(a);
    expect(ledger.release("ml/a")).toBe(a);
    expect(ledger.release("ml/a")).toBeUndefined();
    const node = ledger.node("gpu-1")!;
    expect(node.devices.map((d) => [d.freeUnits, d.occupants.length])).toEqual([
      [80 * GIB, 0],
      [80 * GIB, 0],
    ]);
    expect(node.requested).toEqual({ milliCpu: 0, memoryBytes: 0, pods: 0 });
  });

  it("restore replaces a pod's allocation instead of counting it twice (a reservation confirmed)", () => {
    const ledger = new AllocationLedger();
    ledger.upsertNode(view("gpu-1", 2));
    ledger.upsertNode(view("gpu-2", 2));
    ledger.assign(alloc("ml/a", "gpu-1", [{ index: 0, units: 40 * GIB }]));
    ledger.restore(alloc("ml/a", "gpu-1", [{ index: 0, units: 40 * GIB }]));
    expect(ledger.node("gpu-1")!.devices[0].freeUnits).toBe(40 * GIB);
    expect(ledger.node("gpu-1")!.requested.pods).toBe(1);

    // The API server says the pod went elsewhere: the old node is freed.
    ledger.restore(alloc("ml/a", "gpu-2", [{ index: 1, units: 40 * GIB }]));
    expect(ledger.node("gpu-1")!.devices[0].freeUnits).toBe(80 * GIB);
    expect(ledger.node("gpu-1")!.requested.pods).toBe(0);
    expect(ledger.node("gpu-2")!.devices[1].freeUnits).toBe(40 * GIB);
    expect(ledger.allocation("ml/a")!.node).toBe("gpu-2");
  });

  it("restore never rejects: an over-committed device shows no free units and a conflict line", () => {
    const ledger = new AllocationLedger();
    ledger.upsertNode(view("gpu-7", 3));
    ledger.restore(alloc("a/1", "gpu-7", [{ index: 2, units: 40 * GIB }]));
    ledger.restore(alloc("a/2", "gpu-7", [{ index: 2, units: 30 * GIB }]));
    ledger.restore(alloc("b/3", "gpu-7", [{ index: 2, units: 20 * GIB }]));
    expect(ledger.node("gpu-7")!.devices[2].freeUnits).toBe(0);
    expect(ledger.conflicts()).toEqual(["node gpu-7 device 2: 3 pods hold 90 GiB of 80 GiB"]);
    // assign cannot make it worse
    expect(ledger.assign(alloc("c/4", "gpu-7", [{ index: 2, units: GIB }]))?.reason).toBe(
      "node gpu-7 device 2: needs 1 GiB; 0 MiB free of 80 GiB",
    );
    ledger.release("a/1");
    expect(ledger.conflicts()).toEqual([]);
    expect(ledger.node("gpu-7")!.devices[2].freeUnits).toBe(30 * GIB);
  });

  it("keeps a removed node's allocations pending and re-applies them when the node returns", () => {
    const ledger = new AllocationLedger();
    ledger.upsertNode(view("gpu-1", 2));
    ledger.assign(alloc("ml/a", "gpu-1", [{ index: 0, units: 10 * GIB }]));
    ledger.assign(alloc("ml/b", "gpu-1", [{ index: 1, units: 20 * GIB }]));
    const versionBefore = ledger.node("gpu-1")!.version;
    ledger.removeNode("gpu-1");
    expect(ledger.node("gpu-1")).toBeUndefined();
    expect(ledger.nodes()).toEqual([]);
    expect(ledger.allocation("ml/a")).toBeDefined();
    expect(ledger.assign(alloc("ml/c", "gpu-1", []))?.reason).toBe("node gpu-1 is not in the cluster cache");

    ledger.release("ml/b");
    ledger.upsertNode(view("gpu-1", 2));
    const back = ledger.node("gpu-1")!;
    expect(back.devices.map((d) => d.freeUnits)).toEqual([70 * GIB, 80 * GIB]);
    expect(back.version).toBeGreaterThan(versionBefore);
  });

  it("applies a restore for a node it has not seen yet once the node arrives", () => {
    const ledger = new AllocationLedger();
    ledger.restore(alloc("ml/a", "gpu-5", [{ index: 0, units: 5 * GIB }]));
    expect(ledger.conflicts()).toEqual([]);
    ledger.upsertNode(view("gpu-5", 1));
    expect(ledger.node("gpu-5")!.devices[0].freeUnits).toBe(75 * GIB);
  });

  it("keeps allocations when a node's view is replaced, and reports devices it lost", () => {
    const ledger = new AllocationLedger();
    ledger.upsertNode(view("gpu-1", 8));
    ledger.assign(alloc("ml/a", "gpu-1", [{ index: 7, units: GIB }]));
    ledger.assign(alloc("ml/b", "gpu-1", [{ index: 0, units: GIB }]));
    const relabelled = { ...view("gpu-1", 8, 81920, 2), labels: { "tierfit.io/isolation-tier": "hypervisor" } };
    ledger.upsertNode(relabelled);
    expect(ledger.node("gpu-1")!.view.tier).toBe(2);
    expect(ledger.node("gpu-1")!.devices[7].freeUnits).toBe(79 * GIB);

    ledger.upsertNode(view("gpu-1", 7)); // a device went unhealthy
    expect(ledger.node("gpu-1")!.requested.pods).toBe(2);
    expect(ledger.conflicts()).toEqual([
      "node gpu-1: pod ml/a holds device 7, which the node does not have (it has 7)",
    ]);
  });

  it("lists nodes sorted by name in a live array whose entries are replaced as nodes change", () => {
    const ledger = new AllocationLedger();
    for (const name of ["gpu-b", "gpu-c", "gpu-a"]) ledger.upsertNode(view(name, 1));
    const first = ledger.nodes();
    expect(first.map((n) => n.view.name)).toEqual(["gpu-a", "gpu-b", "gpu-c"]);
    expect(ledger.nodes()).toBe(first);
    const before = first[1];
    ledger.assign(alloc("x/1", "gpu-b", [{ index: 0, units: GIB }]));
    expect(ledger.nodes()).toBe(first);
    expect(first[1].devices[0].freeUnits).toBe(79 * GIB);
    expect(first[1]).toBe(ledger.node("gpu-b"));
    // The earlier snapshot of the node itself is immutable.
    expect(before.devices[0].freeUnits).toBe(80 * GIB);
    ledger.upsertNode(view("gpu-0", 1));
    expect(ledger.nodes().map((n) => n.view.name)).toEqual(["gpu-0", "gpu-a", "gpu-b", "gpu-c"]);
    ledger.removeNode("gpu-a");
    expect(ledger.nodes().map((n) => n.view.name)).toEqual(["gpu-0", "gpu-b", "gpu-c"]);
    ledger.release("x/1");
    expect(ledger.nodes()[1].devices[0].freeUnits).toBe(80 * GIB);
  });

  it("refuses a view whose devices are not index-aligned (a programmer error)", () => {
    const bad = { ...view("gpu-1", 1), gpus: [{ index: 3, product: "T4", memoryMiB: 15360 }] };
    expect(() => new AllocationLedger().upsertNode(bad)).toThrow("views must be index-aligned");
  });
});
