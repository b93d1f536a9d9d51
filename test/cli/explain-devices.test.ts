/**
 * `tierfit explain --example NAME` on the shipped device examples: one per source of GPU devices
 * (DRA, GFD replicas, MIG, passthrough), each showing the verdicts with their reasons, the
 * node's devices and where they came from.
 */
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

async function explainExample(name: string) {
  const table = await runCli(["explain", "--example", name]);
  const json = await runCli(["explain", "--example", name, "--output", "json"]);
  expect(table.code).toBe(0);
  return { table: table.stdout, json: JSON.parse(json.stdout) };
}

describe("tierfit explain --example", () => {
  it("dra: devices from ResourceSlices, claims' memory held, the DRA allocator picks", async () => {
    const { table, json } = await explainExample("dra");
    expect(json.winner).toBe("gpu-dra-01");
    expect(json.devices).toEqual([
      {
        node: "gpu-dra-01",
        source: "dra",
        detail: "DRA ResourceSlices of gpu.nvidia.com: 1 gpu, 1 shared gpu, 1 MIG 3g.40gb",
        gpus: [
          "gpu-0 NVIDIA-H100-80GB-HBM3: 79.6 GiB, 0 MiB free, held by research",
          "gpu-1 NVIDIA-H100-80GB-HBM3: 79.6 GiB, 59.6 GiB free, held by acme",
          "gpu-2-mig-9-4-2 NVIDIA-H100-80GB-HBM3 (MIG 3g.40gb): 39.5 GiB, 0 MiB free, held by acme",
        ],
      },
    ]);
    expect(json.request.gpuMemory).toBe("40 GiB");
    expect(json.notes.join("\n")).toContain("the DRA allocator, not tierfit, picks the devices");
    expect(table).toContain("Devices:\n  gpu-dra-01: DRA ResourceSlices of gpu.nvidia.com");
  });

  it("gfd-replicas: 8 GPUs of 4 replicas; another tenant's replica keeps the pod off the node", async () => {
    const { table, json } = await explainExample("gfd-replicas");
    expect(json.winner).toBe("gpu-ts-02");
    const failed = json.nodes.find((n: { name: string }) => n.name === "gpu-ts-01");
    expect(failed.reason).toBe(
      "needs 1 GPU not shared with another tenant; 8 of 8 GPUs with room hold 1 pod of another tenant, and tier shared-kernel does not share GPUs across tenants",
    );
    expect(json.devices[0].source).toBe("gfd");
    expect(json.devices[0].gpus).toHaveLength(8);
    expect(table).toContain(
      "gpu-ts-01: GPU Feature Discovery labels: 8 GPUs × 4 time-slicing replicas, product NVIDIA-A100-SXM4-80GB, 81920 MiB per GPU",
    );
    expect(table).toContain("GPU 0 NVIDIA-A100-SXM4-80GB (4 replicas): 80 GiB, 60 GiB free, held by globex");
  });

  it("mig: the slice-less node is rejected, the pod takes the free 3g.40gb slice", async () => {
    const { table, json } = await explainExample("mig");
    expect(json.winner).toBe("gpu-mig-01");
    expect(json.nodes[1]).toMatchObject({
      name: "gpu-mig-02",
      reason: "needs 1 MIG 3g.40gb slice; node has none",
      unresolvable: true,
    });
    expect(table).toContain(
      "gpu-mig-01: GPU Feature Discovery labels: 0 × nvidia.com/gpu, 7 MIG 1g.10gb slices, 2 MIG 3g.40gb slices",
    );
    expect(table).toContain("GPU 7 NVIDIA-A100-SXM4-80GB (MIG 3g.40gb): 39.3 GiB, 0 MiB free, held by globex");
  });

  it("passthrough: a whole GPU on a vm-passthrough node, never one its own tenant holds", async () => {
    const { table, json } = await explainExample("passthrough");
    expect(json.winner).toBe("gpu-kata-pt-02");
    const reasons = Object.fromEntries(json.nodes.map((n: { name: string; reason: string }) => [n.name, n.reason]));
    expect(reasons["gpu-kata-pt-01"]).toBe(
      "needs 1 whole GPU (GPU passthrough: shared with no other pod); 0 of 1 are free",
    );
    expect(reasons["gpu-a100-runc-01"]).toContain("needs tier hypervisor");
    expect(table).toContain(
      "gpu-kata-pt-01: no DRA slices or GFD labels: 1 × nvidia.com/pgpu, product unknown, memory unknown",
    );
    expect(table).toContain("GPU 0 unknown (passthrough): memory unknown, held by acme");
  });

  it("names the examples when given an unknown one", async () => {
    const result = await runCli(["explain", "--example", "nvlink"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('no shipped example "nvlink" (examples: dra, gfd-replicas, mig, passthrough)');
  });
});
