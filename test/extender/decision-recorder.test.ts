/**
 * The recorder behind /explain: the last decision of each of the last `capacity` pods, explained
 * over exactly the nodes that decision saw, even when its node list lives in an array another
 * pod's longer list used before.
 */
import { describe, expect, it } from "vitest";
import { DecisionRecorder } from "../../src/extender/decision-recorder.js";
import { makeContext } from "../../src/scoring/context.js";
import { EMPTY_DEMAND } from "../../src/scoring/demand-snapshot.js";
import { gpu, nodeState, podRequest, testConfig } from "../support/core-builders.js";

const CTX = makeContext(testConfig(), { demand: EMPTY_DEMAND, now: 1_700_000_000_000 });
const NODES = ["n1", "n2", "n3"].map((name) => nodeState({ name, gpus: [gpu(40960)] }));
const BINDING = { node: "n1", devices: [{ index: 0, memory: "40Gi" }], at: "2023-11-14T22:13:20.000Z" };

function record(
  recorder: DecisionRecorder,
  pod: string,
  nodes: number[],
  verb: "filter" | "prioritize" = "filter",
  ledgerChanges: number | null = 0,
) {
  const states = nodes.map((i) => NODES[i]);
  recorder.record({
    pod: podRequest({ name: pod, gpuCount: 1 }),
    verb,
    states,
    extraFailures: [],
    ctx: CTX,
    ledgerChanges,
  });
}

/** `count` distinct body-built states (full mode): each charged its own estimated size. */
function recordBodyNodes(recorder: DecisionRecorder, pod: string, count: number) {
  const states = Array.from({ length: count }, (_, i) => nodeState({ name: `${pod}-n${i}`, gpus: [gpu(40960)] }));
  recorder.record({
    pod: podRequest({ name: pod, gpuCount: 1 }),
    verb: "filter",
    states,
    extraFailures: [],
    ctx: CTX,
    ledgerChanges: null,
  });
}

const explainedNodes = (recorder: DecisionRecorder, pod: string) =>
  recorder.explain(`default/${pod}`)?.nodes.map((n) => n.name);

describe("DecisionRecorder", () => {
  it("forgets the least recently recorded pod beyond capacity, and explains each kept pod over its own nodes", () => {
    const recorder = new DecisionRecorder(2);
    record(recorder, "a", [0, 1, 2]);
    record(recorder, "b", [0]);
    record(recorder, "c", [2]); // takes a's place, and the array a's three nodes were in
    expect(recorder.explain("default/a")).toBeUndefined();
    expect(explainedNodes(recorder, "b")).toEqual(["n1"]);
    expect(explainedNodes(recorder, "c")).toEqual(["n3"]);
    record(recorder, "b", [1, 2], "prioritize"); // b is now the most recent
    record(recorder, "d", [0, 1]);
    expect(recorder.explain("default/c")).toBeUndefined();
    expect(explainedNodes(recorder, "b")?.sort()).toEqual(["n2", "n3"]);
    expect(recorder.explain("default/b")?.verb).toBe("prioritize");
    expect(explainedNodes(recorder, "d")?.sort()).toEqual(["n1", "n2"]);
  });

  it("shows a pod's binding until its next decision", () => {
    const recorder = new DecisionRecorder(2);
    record(recorder, "a", [0]);
    recorder.recordBinding("default/a", BINDING);
    expect(recorder.explain("default/a")?.binding).toEqual(BINDING);
    record(recorder, "b", [0]);
    record(recorder, "a", [0]);
    expect(recorder.explain("default/a")?.binding).toBeNull();
  });

  it("holds body-built node states to its byte budget, forgetting the oldest pods, and never keeps a decision larger than the budget", () => {
    const recorder = new DecisionRecorder(1000, 4 * 1024 * 1024);
    for (let p = 0; p < 20; p++) recordBodyNodes(recorder, `p${p}`, 1000);
    // Each decision holds 1,000 states of about 900 bytes: four of them fit in 4 MiB, twenty do not.
    expect(recorder.bytes).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(recorder.explain("default/p0")).toBeUndefined();
    expect(recorder.explain("default/p19")?.nodes).toHaveLength(1000);
    recordBodyNodes(recorder, "huge", 100_000);
    expect(recorder.explain("default/huge")).toBeUndefined();
    expect(recorder.explain("default/p19")?.nodes).toHaveLength(1000);
    expect(recorder.bytes).toBeLessThanOrEqual(4 * 1024 * 1024);
  });

  it("charges names-mode records for the cache states replaced while they are kept", () => {
    const recorder = new DecisionRecorder(1000, 1024 * 1024);
    record(recorder, "a", [0, 1, 2], "filter", 0);
    record(recorder, "b", [0, 1, 2], "filter", 10);
    expect(explainedNodes(recorder, "a")).toHaveLength(3);
    // 300 ledger changes later the states "a" holds may all have been replaced: 300 × 4 KiB > 1 MiB.
    record(recorder, "c", [0], "filter", 300);
    expect(recorder.explain("default/a")).toBeUndefined();
    expect(recorder.explain("default/b")).toBeUndefined();
    expect(explainedNodes(recorder, "c")).toEqual(["n1"]);
    expect(recorder.bytes).toBeLessThanOrEqual(1024 * 1024);
  });

  it("keeps nothing at capacity 0", () => {
    const recorder = new DecisionRecorder(0);
    record(recorder, "a", [0]);
    expect(recorder.explain("default/a")).toBeUndefined();
  });
});
