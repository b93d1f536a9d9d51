import { describe, expect, it } from "vitest";
import { loadNodes, loadPod, loadPods } from "../../src/cluster/load-objects.js";
import { defaultConfig } from "../../src/config/load.js";
import { loadDemandFile } from "../../src/explain/demand-file.js";
import { explainPlacement } from "../../src/explain/explain.js";
import { formatExplanation } from "../../src/explain/format-table.js";

const config = defaultConfig();
const explanation = explainPlacement({
  config,
  pod: loadPod("config/examples/pod.yaml"),
  nodes: loadNodes("config/examples/nodes.yaml"),
  podsOnNodes: loadPods("config/examples/pods-on-nodes.yaml"),
  demand: loadDemandFile("config/examples/demand.json", config),
});

describe("formatExplanation", () => {
  it("prints an aligned table with the winner marked, failed nodes' reasons, and the notes", () => {
    expect(formatExplanation(explanation, config, { color: false }).split("\n")).toEqual([
      "Pod chat/llama-3-8b-chat-0: 1 GPU with 40 GiB, 8.25 CPU, 48.2 GiB memory; needs tier hypervisor (runtimeClassName kata-qemu (matches kata-*)); tenant chat; model llama-3-8b-instruct",
      "Score: ranked, level by level: isolationTier (bands of 5), then liveDemand (bands of 5), then stranding (bands of 2), then consolidation (bands of 1), then gpuMemory (bands of 0.05), then fragmentation; each signal 0..10",
      "",
      "   NODE              RESULT  gpuMemory  isolationTier  liveDemand  fragmentation  resourcesFit  stranding  consolidation  SCORE   RAW",
      "*  gpu-a100-kata-02  pass         5.43          10.00       10.00           4.75          8.86      10.00           6.00     10  9.92",
      "   gpu-h100-kata-01  pass         3.85          10.00        6.67           4.26          8.67      10.00          10.00      9  8.88",
      "   gpu-a100-runc-01  fail    needs tier hypervisor (runtimeClassName kata-qemu (matches kata-*)); node is shared-kernel (default: weakest tier)",
      "   gpu-a100-kata-01  fail    needs 40 GiB on one GPU; no GPU has that free (largest free: 24 GiB)",
      "",
      "Winner: gpu-a100-kata-02 (score 10, raw 9.92)",
      "",
      "Notes:",
      "  - pod chat/nightly-eval-28731 on gpu-a100-kata-02 has finished (Succeeded) and holds nothing; ignored",
      "  - pod search/reranker-0 on gpu-a100-kata-01 has no tierfit.io/gpu-devices annotation; assumed on GPU 1 (56 GiB), where tierfit would place it",
      "",
    ]);
  });

  it("colours only when asked: the winner green, failures red", () => {
    const plain = formatExplanation(explanation, config, { color: false });
    expect(plain).not.toContain("\u001b[");
    const coloured = formatExplanation(explanation, config, { color: true }).split("\n");
    const GREEN = "\u001b[32m";
    const RED = "\u001b[31m";
    expect(coloured.find((l) => l.includes("gpu-a100-kata-02  pass"))?.startsWith(`${GREEN}*`)).toBe(true);
    expect(coloured.find((l) => l.includes("gpu-a100-kata-01  fail"))?.startsWith(RED)).toBe(true);
    expect(coloured.find((l) => l.includes("gpu-h100-kata-01"))).not.toContain("\u001b[");
  });

  it("says when no node can take the pod, and names an expression instead of weights", () => {
    const e = explanation.explanation;
    const none = {
      ...explanation,
      explanation: { ...e, winner: null, nodes: e.nodes.filter((n) => !n.passed), notes: [] },
    };
    const exprConfig = { ...config, scoring: { ...config.scoring, expression: "min(liveDemand, gpuMemory)" } };
    const text = formatExplanation(none, exprConfig, { color: false });
    expect(text).toContain("Score: expression min(liveDemand, gpuMemory)\n");
    expect(text).toContain("\nNo node can take the pod (2 nodes checked).\n");
    expect(text).not.toContain("Notes:");
  });

  it("says when the tier a pod runs at, which decides GPU sharing, is below the tier it needs", () => {
    const annotated = {
      ...explanation.request,
      tierSource: "annotation tierfit.io/isolation-tier=hypervisor",
      sharingTier: 0,
      runtimeClassName: undefined,
    };
    expect(formatExplanation({ ...explanation, request: annotated }, config, { color: false })).toContain(
      "needs tier hypervisor (annotation tierfit.io/isolation-tier=hypervisor); runs at tier shared-kernel (no runtimeClassName) for GPU sharing; tenant chat",
    );
  });
});
