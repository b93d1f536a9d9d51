/**
 * GPUs as clusters expose them (issue 15): GPU Feature Discovery replicas and MIG slices, Kata
 * passthrough and DRA ResourceSlices/ResourceClaims, read from the fixtures in
 * test/fixtures/devices and placed by the same scoring code the extender and simulator run.
 */
import { describe, expect, it } from "vitest";
import { claimAllocation } from "../../src/cluster/dra-claims.js";
import { withClaimRequests } from "../../src/cluster/dra-pod.js";
import { draGpusByNode } from "../../src/cluster/dra-slices.js";
import { AllocationLedger } from "../../src/cluster/ledger.js";
import { loadKubeObjects, loadNodes } from "../../src/cluster/load-objects.js";
import { nodeViewFromV1 } from "../../src/cluster/node-view.js";
import { podRequestFromV1 } from "../../src/cluster/pod-request.js";
import type { PodRequest } from "../../src/cluster/types.js";
import { defaultConfig } from "../../src/config/load.js";
import { makeContext } from "../../src/scoring/context.js";
import { allocationFor, decide, filterNodes } from "../../src/scoring/runner.js";
import { v1Container, v1Pod } from "../support/kube-objects.js";

const config = defaultConfig();
const FIXTURES = "test/fixtures/devices";

function ledgerOf(file: string, slices?: string): AllocationLedger {
  const dra = slices ? draGpusByNode(loadKubeObjects(`${FIXTURES}/${slices}`), config.gpu.draDriver) : new Map();
  const ledger = new AllocationLedger();
  for (const node of loadNodes(`${FIXTURES}/${file}`)) {
    ledger.upsertNode(nodeViewFromV1(node, config, dra.get(node.metadata!.name!)));
  }
  return ledger;
}

/** Filters and, when a node passes, binds the pod there as the extender's bind does; the node or the reasons. */
function place(ledger: AllocationLedger, pod: PodRequest): string | Record<string, string> {
  const ctx = makeContext(config);
  const decision = decide(pod, ledger.nodes(), ctx);
  if (decision.winner === null) {
    return Object.fromEntries(decision.nodes.map((n) => [n.name, n.rejection?.reason ?? ""]));
  }
  const alloc = allocationFor(pod, ledger.node(decision.winner)!, ctx);
  if ("reason" in alloc) throw new Error(alloc.reason);
  expect(ledger.assign(alloc)).toBeNull();
  return decision.winner;
}

function gpuPod(
  name: string,
  namespace: string,
  resources: Record<string, string>,
  rest: Partial<Parameters<typeof v1Pod>[0]> = {},
) {
  const pod = v1Pod({
    name,
    namespace,
    containers: [
      {
        ...v1Container({ cpu: "2", memory: "8Gi" }),
        name: "main",
        resources: { limits: resources, requests: resources },
      },
    ],
    ...rest,
  });
  return podRequestFromV1(pod, config);
}

describe("GPU Feature Discovery with time-slicing replicas", () => {
  it("a node with replicas=4 on 8 GPUs is 8 devices of 4 shares each", () => {
    const view = ledgerOf("gfd-time-slicing.yaml").node("gpu-ts-01")!.view;
    expect(view.gpus).toHaveLength(8);
    expect(view.gpus.every((g) => g.replicas === 4 && g.memoryMiB === 81920)).toBe(true);
    // The -SHARED suffix GFD adds is not part of the product a pod asks for.
    expect(view.gpus[0].product).toBe("NVIDIA-A100-SXM4-80GB");
    expect(view.deviceSource).toEqual({
      kind: "gfd",
      detail:
        "GPU Feature Discovery labels: 8 GPUs × 4 time-slicing replicas, product NVIDIA-A100-SXM4-80GB, 81920 MiB per GPU",
    });
  });

  it("each nvidia.com/gpu is one quarter of a GPU; 32 of them fill the node", () => {
    const ledger = ledgerOf("gfd-time-slicing.yaml");
    for (let i = 0; i < 64; i++)
      expect(place(ledger, gpuPod(`w-${i}`, "acme", { "nvidia.com/gpu": "1" }))).toMatch(/^gpu-ts-0[12]$/);
    const full = place(ledger, gpuPod("w-64", "acme", { "nvidia.com/gpu": "1" }));
    expect(full).toEqual({
      "gpu-ts-01": "needs one replica (1/4 of a GPU, 20 GiB) on one GPU; no GPU has that free (largest free: 0 MiB)",
      "gpu-ts-02": "needs one replica (1/4 of a GPU, 20 GiB) on one GPU; no GPU has that free (largest free: 0 MiB)",
    });
  });

  it("two tenants never land on one node's replicas below a tier that shares across tenants", () => {
    const ledger = ledgerOf("gfd-time-slicing.yaml");
    expect(place(ledger, gpuPod("a-0", "acme", { "nvidia.com/gpu": "1" }))).toBe("gpu-ts-01");
    // The device plugin, not tierfit, picks the GPU behind a replica: globex must keep off gpu-ts-01.
    expect(place(ledger, gpuPod("g-0", "globex", { "nvidia.com/gpu": "1" }))).toBe("gpu-ts-02");
    expect(place(ledger, gpuPod("a-1", "acme", { "nvidia.com/gpu": "1" }))).toBe("gpu-ts-01");
    const third = place(ledger, gpuPod("i-0", "initech", { "nvidia.com/gpu": "1" }));
    expect(third).toEqual({
      "gpu-ts-01": expect.stringContaining("not shared with another tenant"),
      "gpu-ts-02": expect.stringContaining("not shared with another tenant"),
    });
    for (const node of ledger.nodes()) {
      const tenants = new Set(node.devices.flatMap((d) => d.occupants.map((o) => o.tenant)));
      expect(tenants.size).toBeLessThanOrEqual(1);
    }
  });
});

describe("MIG slices (mixed strategy)", () => {
  it("a MIG node exposes its slices as devices of their own", () => {
    const view = ledgerOf("gfd-mig.yaml").node("gpu-mig-01")!.view;
    expect(view.gpus.map((g) => `${g.migProfile}:${g.memoryMiB}`)).toEqual([
      ...Array(7).fill("1g.10gb:9728"),
      "3g.40gb:40192",
      "3g.40gb:40192",
    ]);
  });

  it("a pod needing nvidia.com/mig-3g.40gb lands only where one is free", () => {
    const ledger = ledgerOf("gfd-mig.yaml");
    const mig = (name: string) => gpuPod(name, "acme", { "nvidia.com/mig-3g.40gb": "1" });
    expect(mig(`m-0`).migProfile).toBe("3g.40gb");
    expect(place(ledger, mig("m-0"))).toBe("gpu-mig-01");
    // Slices are hardware partitions: another tenant may take the other slice of the same GPU.
    expect(place(ledger, gpuPod("g-0", "globex", { "nvidia.com/mig-3g.40gb": "1" }))).toBe("gpu-mig-01");
    expect(place(ledger, mig("m-2"))).toEqual({
      "gpu-mig-01": "needs 1 MIG 3g.40gb slice; 0 of 2 are free",
      "gpu-mig-02": "needs 1 MIG 3g.40gb slice; node has none",
    });
    // A pod asking for a whole nvidia.com/gpu takes no MIG slice.
    expect(place(ledger, gpuPod("w-0", "acme", { "nvidia.com/gpu": "1" }))).toEqual({
      "gpu-mig-01": "node has 0 nvidia.com/gpu; pod needs 1; its other devices are MIG slices",
      "gpu-mig-02": "node has 0 nvidia.com/gpu; pod needs 1; its other devices are MIG slices",
    });
  });
});

describe("Kata GPU passthrough", () => {
  const kata = (name: string, namespace = "acme") =>
    gpuPod(name, namespace, { "nvidia.com/pgpu": "1" }, { runtimeClassName: "kata-qemu-nvidia-gpu-snp" });

  it("a passthrough node's nvidia.com/pgpu are its GPUs, at the hypervisor tier", () => {
    const view = ledgerOf("kata-passthrough.yaml").node("gpu-kata-pt-01")!.view;
    expect(view.gpus).toHaveLength(2);
    expect(view.passthrough).toBe(true);
    expect(config.tiers[view.tier].name).toBe("hypervisor");
    expect(view.tierSource).toBe("runtime label nvidia.com/gpu.workload.config=vm-passthrough");
    expect(kata("k").exclusive).toBe(true);
    expect(config.tiers[kata("k").tier].name).toBe("hypervisor");
  });

  it("a passthrough pod never shares a GPU, even with its own tenant", () => {
    const ledger = ledgerOf("kata-passthrough.yaml");
    // It asks for a share; passthrough gives a VM the whole GPU anyway.
    const first = gpuPod(
      "k-0",
      "acme",
      { "nvidia.com/pgpu": "1" },
      { runtimeClassName: "kata-qemu-nvidia-gpu", gpuFraction: "0.25" },
    );
    expect(place(ledger, first)).toBe("gpu-kata-pt-01");
    expect(place(ledger, kata("k-1"))).toBe("gpu-kata-pt-01");
    expect(place(ledger, kata("k-2"))).toEqual({
      "gpu-kata-pt-01": "needs 1 whole GPU (GPU passthrough: shared with no other pod); 0 of 2 are free",
    });
    const devices = ledger.node("gpu-kata-pt-01")!.devices;
    expect(devices.map((d) => d.occupants.length)).toEqual([1, 1]);
  });

  it("a runc pod asking for nvidia.com/gpu gets none of a passthrough node's GPUs", () => {
    const ledger = ledgerOf("kata-passthrough.yaml");
    const result = place(ledger, gpuPod("r-0", "acme", { "nvidia.com/gpu": "1" }));
    expect(result).toEqual({
      "gpu-kata-pt-01": "node has 0 nvidia.com/gpu; pod needs 1; its GPUs are passed through whole (nvidia.com/pgpu)",
    });
  });
});

describe("Dynamic Resource Allocation", () => {
  const claims = loadKubeObjects(`${FIXTURES}/dra-resource-claims.yaml`);

  function draLedger(): AllocationLedger {
    const ledger = ledgerOf("dra-node.yaml", "dra-resource-slices.yaml");
    for (const claim of claims) {
      const alloc = claimAllocation(claim, config.gpu.draDriver, (n) => ledger.node(n)?.view);
      if (alloc) ledger.restore(alloc);
    }
    return ledger;
  }

  /** A pod with one claim asking for a gpu.nvidia.com device with `memory` of it. */
  function draPod(name: string, namespace: string, memory: string): PodRequest {
    const v1 = v1Pod({ name, namespace });
    v1.spec!.resourceClaims = [{ name: "gpu", resourceClaimTemplateName: "one-gpu" }];
    const claim = {
      metadata: { name: `${name}-gpu-abcde`, namespace },
      spec: {
        devices: {
          requests: [
            {
              name: "gpu",
              exactly: { deviceClassName: "gpu.nvidia.com", count: 1, capacity: { requests: { memory } } },
            },
          ],
        },
      },
    };
    return withClaimRequests(podRequestFromV1(v1, config), [claim], ["gpu.nvidia.com", "mig.nvidia.com"]);
  }

  it("the node's devices come from its ResourceSlices", () => {
    const view = ledgerOf("dra-node.yaml", "dra-resource-slices.yaml").node("gpu-dra-01")!.view;
    expect(view.deviceSource?.kind).toBe("dra");
    expect(view.gpus.map((g) => [g.draDevice, g.product, g.memoryMiB, g.migProfile])).toEqual([
      ["gpu-dra-01/gpu-0", "NVIDIA-H100-80GB-HBM3", 81559, undefined],
      ["gpu-dra-01/gpu-1", "NVIDIA-H100-80GB-HBM3", 81559, undefined],
      ["gpu-dra-01/gpu-2-mig-9-4-2", "NVIDIA-H100-80GB-HBM3", 40448, "3g.40gb"],
    ]);
  });

  it("a claim's allocation fills the ledger, and the next pod's per-device fit sees it", () => {
    const ledger = draLedger();
    const devices = ledger.node("gpu-dra-01")!.devices;
    expect(devices.map((d) => d.occupants.map((o) => `${o.tenant}:${o.units / 1000}`))).toEqual([
      ["research:81559"],
      ["acme:20480"], // consumedCapacity 20Gi of the shared device
      ["acme:40448"],
    ]);
    // 61,079 MiB are left on gpu-1; a 70Gi claim fits no device, a 40Gi one of acme's does.
    expect(place(ledger, draPod("big", "acme", "70Gi"))).toEqual({
      "gpu-dra-01": "needs 70 GiB on one GPU; no GPU has that free (largest free: 59.6 GiB)",
    });
    expect(place(ledger, draPod("chat-2", "acme", "40Gi"))).toBe("gpu-dra-01");
    // tierfit picked no device for it: the DRA allocator does, and its claim will say which.
    expect(ledger.allocation("acme/chat-2")?.devices).toEqual([]);
    // Another tenant may not join acme on the shared GPU below a tier that shares across tenants.
    expect(place(ledger, draPod("other", "globex", "10Gi"))).toEqual({
      "gpu-dra-01": expect.stringContaining("not shared with another tenant"),
    });
  });

  it("a DRA node with no telemetry still scores on capacity", () => {
    const ledger = draLedger();
    const decision = decide(draPod("chat-3", "acme", "20Gi"), ledger.nodes(), makeContext(config));
    const node = decision.nodes[0];
    expect(node.passed).toBe(true);
    expect(node.signals.gpuMemory).toBeGreaterThan(0);
    expect(node.signals.liveDemand).toBe(5); // neutral: no telemetry, as configured
    expect(filterNodes(draPod("chat-4", "acme", "60Gi"), ledger.nodes(), makeContext(config)).passed).toHaveLength(0);
  });
});
