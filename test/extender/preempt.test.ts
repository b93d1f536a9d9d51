import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type Harness, makeHarness, occupy } from "./harness.js";
import { gpuNode, gpuPod } from "./objects.js";

/** Needs a whole GPU of its own at the sandboxed tier, tenant team-a. */
const PREEMPTOR = gpuPod({ name: "high", tier: "sandboxed", tenant: "team-a" });

/**
 * weak:    shared-kernel, its GPU held by v-weak      → evicting cannot fix the tier
 * full:    sandboxed, its GPU held by v-full          → evicting v-full frees the GPU
 * partial: sandboxed, v-part-1 and v-part-2 share its GPU → evicting one still leaves the GPU in use
 */
function cluster(): Harness {
  const h = makeHarness({
    nodes: [
      gpuNode({ name: "weak", gpus: 1, tier: "shared-kernel" }),
      gpuNode({ name: "full", gpus: 1, tier: "sandboxed" }),
      gpuNode({ name: "partial", gpus: 1, tier: "sandboxed" }),
    ],
  });
  occupy(h, "default/v-weak", "weak", [{ index: 0, gib: 40 }], "team-a", 0);
  occupy(h, "default/v-full", "full", [{ index: 0, gib: 40 }], "team-c", 1);
  occupy(h, "default/v-part-1", "partial", [{ index: 0, gib: 10 }], "team-b", 1);
  occupy(h, "default/v-part-2", "partial", [{ index: 0, gib: 10 }], "team-b", 1);
  return h;
}

describe("preempt", () => {
  it("names mode: keeps nodes where the victims' eviction lets the pod fit, drops the rest", async () => {
    const h = cluster();
    const res = await h.post("preempt", {
      Pod: PREEMPTOR,
      NodeNameToVictims: null,
      NodeNameToMetaVictims: {
        weak: { Pods: [{ UID: "uid-v-weak" }], NumPDBViolations: 0 },
        full: { Pods: [{ UID: "uid-v-full" }], NumPDBViolations: 1 },
        partial: { Pods: [{ UID: "uid-v-part-1" }], NumPDBViolations: 0 },
      },
    });
    expect(res).toEqual({
      status: 200,
      json: { NodeNameToMetaVictims: { full: { Pods: [{ UID: "uid-v-full" }], NumPDBViolations: 1 } } },
    });
    const line = h.logs.find((l) => l.verb === "preempt");
    expect(line).toMatchObject({ pod: "default/high", nodesIn: 3, kept: 1 });
    const dropped = line?.dropped as Record<string, string>;
    expect(Object.keys(dropped).sort()).toEqual(["partial", "weak"]);
    expect(dropped.weak).toMatch(/^isolationTier: needs tier sandboxed/);
    expect(dropped.partial).toMatch(/^gpuMemory: needs a whole GPU/);
  });

  it("keeps a node once every blocking victim is on the list", async () => {
    const h = cluster();
    const res = await h.post("preempt", {
      Pod: PREEMPTOR,
      NodeNameToMetaVictims: {
        partial: { Pods: [{ UID: "uid-v-part-1" }, { UID: "uid-v-part-2" }], NumPDBViolations: 0 },
      },
    });
    expect(res.json).toEqual({
      NodeNameToMetaVictims: {
        partial: { Pods: [{ UID: "uid-v-part-1" }, { UID: "uid-v-part-2" }], NumPDBViolations: 0 },
      },
    });
  });

  it("full mode: judges NodeNameToVictims' pods and answers with their UIDs", async () => {
    const h = cluster();
    const victim = (name: string, node: string) => gpuPod({ name, nodeName: node, tenant: "team-b" });
    const res = await h.post("preempt", {
      Pod: PREEMPTOR,
      NodeNameToVictims: {
        weak: { Pods: [victim("v-weak", "weak")], NumPDBViolations: 0 },
        full: { Pods: [victim("v-full", "full")], NumPDBViolations: 0 },
      },
      NodeNameToMetaVictims: null,
    });
    expect(res.json).toEqual({
      NodeNameToMetaVictims: { full: { Pods: [{ UID: "uid-v-full" }], NumPDBViolations: 0 } },
    });
  });

  it("keeps kube-scheduler's choice where it cannot judge (node not cached, --standalone)", async () => {
    const body = JSON.parse(readFileSync("test/fixtures/kube-scheduler-v1.28/full-preempt-request.json", "utf8"));
    const expected = {
      NodeNameToMetaVictims: {
        "fake-gpu-node-a": { Pods: [{ UID: "217964f2-0522-4209-8b19-2a7b3258c79c" }], NumPDBViolations: 0 },
      },
    };
    for (const h of [cluster(), makeHarness({ standalone: true })]) {
      const res = await h.post("preempt", body);
      expect(res).toEqual({ status: 200, json: expected });
      expect(h.logs.find((l) => l.verb === "preempt")?.unjudged).toEqual(["fake-gpu-node-a"]);
    }
  });
});
