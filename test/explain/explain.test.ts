import { describe, expect, it } from "vitest";
import { loadNodes, loadPod, loadPods } from "../../src/cluster/load-objects.js";
import { defaultConfig, parseConfig } from "../../src/config/load.js";
import { loadDemandFile } from "../../src/explain/demand-file.js";
import { type ExplainInput, explainPlacement } from "../../src/explain/explain.js";
import { EMPTY_DEMAND } from "../../src/scoring/demand-snapshot.js";

const DIR = "config/examples";

/** The explanation alone, as `--output json` prints it. */
const explained = (input: ExplainInput) => explainPlacement(input).explanation;

function shippedInput(overrides: Partial<ExplainInput> = {}): ExplainInput {
  const config = overrides.config ?? defaultConfig();
  return {
    config,
    pod: loadPod(`${DIR}/pod.yaml`),
    nodes: loadNodes(`${DIR}/nodes.yaml`),
    podsOnNodes: loadPods(`${DIR}/pods-on-nodes.yaml`),
    demand: loadDemandFile(`${DIR}/demand.json`, config),
    ...overrides,
  };
}

describe("explainPlacement on the shipped examples", () => {
  it("picks the exact-fit idle node, rejects the others with reasons that carry numbers, and notes what it assumed", () => {
    expect(explained(shippedInput())).toEqual({
      pod: "chat/llama-3-8b-chat-0",
      uid: "",
      verb: "explain",
      at: "2025-06-02T14:00:00.000Z",
      request: {
        gpuCount: 1,
        gpuMemory: "40 GiB",
        tier: "hypervisor",
        tenant: "chat",
        model: "llama-3-8b-instruct",
        workloadClass: "default",
      },
      winner: "gpu-a100-kata-02",
      nodes: [
        {
          name: "gpu-a100-kata-02",
          passed: true,
          reason: null,
          rejectedBy: null,
          unresolvable: false,
          signals: {
            gpuMemory: 5.43,
            isolationTier: 10,
            liveDemand: 10,
            fragmentation: 4.75,
            resourcesFit: 8.86,
            stranding: 10,
            consolidation: 6,
          },
          score: 10,
          rawScore: 9.92,
        },
        {
          name: "gpu-h100-kata-01",
          passed: true,
          reason: null,
          rejectedBy: null,
          unresolvable: false,
          // Its snug fit, GPU 0, runs at 91 %; no GPU has headroom for the replica's 0.4 GPU under
          // the 85 % target, so it would get the least loaded one (GPU 3, 0.5 + 0.4 = 0.9) and
          // strand half of that GPU's memory.
          signals: {
            gpuMemory: 3.85,
            isolationTier: 10,
            liveDemand: 6.67,
            fragmentation: 4.26,
            resourcesFit: 8.67,
            stranding: 10,
            consolidation: 10,
          },
          // Ranked: the H100 is already powered (consolidation 10), but its GPU has less
          // headroom (liveDemand 6.67 is band 1 of 0..2), a higher level.
          score: 9,
          rawScore: 8.88,
        },
        {
          name: "gpu-a100-runc-01",
          passed: false,
          reason:
            "needs tier hypervisor (runtimeClassName kata-qemu (matches kata-*)); node is shared-kernel (default: weakest tier)",
          rejectedBy: "isolationTier",
          unresolvable: true,
          signals: {},
          score: null,
          rawScore: null,
        },
        {
          name: "gpu-a100-kata-01",
          passed: false,
          reason: "needs 40 GiB on one GPU; no GPU has that free (largest free: 24 GiB)",
          rejectedBy: "gpuMemory",
          unresolvable: false,
          signals: {},
          score: null,
          rawScore: null,
        },
      ],
      binding: null,
      notes: [
        "pod chat/nightly-eval-28731 on gpu-a100-kata-02 has finished (Succeeded) and holds nothing; ignored",
        "pod search/reranker-0 on gpu-a100-kata-01 has no tierfit.io/gpu-devices annotation; assumed on GPU 1 (56 GiB), where tierfit would place it",
      ],
    });
  });

  it("without the pods on the nodes, the crowded node passes", () => {
    const e = explained(shippedInput({ podsOnNodes: [] }));
    expect(e.nodes.find((n) => n.name === "gpu-a100-kata-01")?.passed).toBe(true);
    expect(e.notes).toEqual([]);
  });

  it("without live demand every passing node gets the neutral live-demand score", () => {
    const e = explained(shippedInput({ demand: EMPTY_DEMAND }));
    const passing = e.nodes.filter((n) => n.passed);
    expect(passing.map((n) => n.signals.liveDemand)).toEqual([5, 5]);
  });

  it("follows the config: with onStale reject and no demand, every node is rejected and there is no winner", () => {
    const config = parseConfig("demand:\n  onStale: reject\n", "reject.yaml");
    const e = explained(shippedInput({ config, demand: EMPTY_DEMAND }));
    expect(e.winner).toBeNull();
    expect(e.nodes.every((n) => !n.passed)).toBe(true);
    expect(e.nodes.find((n) => n.name === "gpu-h100-kata-01")?.reason).toBe(
      "no live GPU data for this node (demand.onStale is reject)",
    );
  });

  it("ranks passing nodes best first, by score", () => {
    const config = parseConfig(
      "scoring:\n  combine: weighted\n  weights: { gpuMemory: 0, isolationTier: 0, fragmentation: 0, resourcesFit: 0 }\n",
      "w.yaml",
    );
    const e = explained(shippedInput({ config }));
    const passing = e.nodes.filter((n) => n.passed);
    expect(passing.map((n) => n.name)).toEqual(["gpu-a100-kata-02", "gpu-h100-kata-01"]);
    expect(passing.map((n) => n.score)).toEqual([10, 7]);
    expect(passing.map((n) => n.rawScore)).toEqual([10, 6.67]);
  });
});
