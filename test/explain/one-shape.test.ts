/**
 * `tierfit explain --output json` and the extender's /explain answer in one shape, built by one
 * function: the same pod on the same nodes gives the same explanation either way, apart from
 * what produced it (verb) and, once bound, the binding.
 */
import { describe, expect, it } from "vitest";
import { loadNodes, loadPod } from "../../src/cluster/load-objects.js";
import { explainPlacement } from "../../src/explain/explain.js";
import { EMPTY_DEMAND } from "../../src/scoring/demand-snapshot.js";
import { makeHarness, NOW } from "../extender/harness.js";

describe("one explanation shape", () => {
  it("the CLI's explanation equals what /explain answers for the same decision", async () => {
    const pod = loadPod("config/examples/pod.yaml");
    const nodes = loadNodes("config/examples/nodes.yaml");
    const h = makeHarness({ nodes, apiPods: [pod] });
    const filtered = await h.post("filter", { Pod: pod, NodeNames: nodes.map((n) => n.metadata?.name) });
    expect(filtered.status).toBe(200);
    const served = await h.admin.inject({ url: "/explain/chat/llama-3-8b-chat-0" });
    expect(served.statusCode).toBe(200);

    const cli = explainPlacement({ config: h.config, pod, nodes, podsOnNodes: [], demand: EMPTY_DEMAND, now: NOW });
    expect(served.json()).toEqual({ ...cli.explanation, verb: "filter" });
    // No pods on the nodes and no telemetry: consolidation prefers the idle node that wakes fewest GPUs.
    expect(cli.explanation.winner).toBe("gpu-a100-kata-01");
  });
});
