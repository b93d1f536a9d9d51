import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  decodeBindingArgs,
  decodeExtenderArgs,
  decodePreemptionArgs,
  MalformedRequestError,
} from "../../src/extender/wire.js";

const FIXTURES = "test/fixtures/kube-scheduler-v1.28";
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(`${FIXTURES}/${name}`, "utf8")) as Record<string, unknown>;

function malformed(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MalformedRequestError);
    return (err as Error).message;
  }
  throw new Error("expected a MalformedRequestError");
}

describe("decodeExtenderArgs", () => {
  it("decodes the names-mode filter body a real kube-scheduler sent", () => {
    const args = decodeExtenderArgs(fixture("names-filter-request.json"));
    expect(args.NodeNames).toEqual(["fake-gpu-node-b", "fake-gpu-node-a", "fake-gpu-node-c"]);
    expect(args.Nodes).toBeNull();
    expect(args.Pod.metadata?.name).toBe("names-gpu-pod");
    expect(args.Pod.metadata?.uid).toBe("0eb40306-b467-49f0-af5b-7f323cc8cebd");
  });

  it("matches field names case-insensitively, as Go's encoding/json does", () => {
    const body = fixture("names-filter-request.json");
    for (const [podKey, namesKey] of [
      ["pod", "nodenames"],
      ["POD", "NODENAMES"],
      ["pOd", "nodeNames"],
      // Go folds U+017F (long s) onto s, and U+212A (Kelvin sign) onto k.
      ["Pod", "NodeName\u017f"],
    ]) {
      const args = decodeExtenderArgs({ [podKey]: body.Pod, Nodes: null, [namesKey]: ["n1"] });
      expect(args.Pod.metadata?.name).toBe("names-gpu-pod");
      expect(args.NodeNames).toEqual(["n1"]);
    }
    const list = decodeExtenderArgs({ Pod: body.Pod, nodes: { ITEMS: [{ metadata: { name: "x" } }] } });
    expect(list.Nodes?.items.map((n) => n.metadata?.name)).toEqual(["x"]);
  });

  it("lets the last of several same-named keys win, like Go", () => {
    const body = fixture("names-filter-request.json");
    const args = decodeExtenderArgs({ Pod: body.Pod, NodeNames: ["first"], nodenames: ["second"] });
    expect(args.NodeNames).toEqual(["second"]);
  });

  it("keeps the node list's own fields to echo back", () => {
    const body = fixture("names-filter-request.json");
    const args = decodeExtenderArgs({
      Pod: body.Pod,
      Nodes: { metadata: { resourceVersion: "7" }, items: [{ metadata: { name: "a" } }] },
      NodeNames: null,
    });
    expect(args.Nodes).toEqual({ metadata: { resourceVersion: "7" }, items: [{ metadata: { name: "a" } }] });
  });

  it("says what is wrong with a body that does not decode", () => {
    const pod = fixture("names-filter-request.json").Pod as Record<string, unknown>;
    expect(malformed(() => decodeExtenderArgs([]))).toBe("the request body must be a JSON object, got an array");
    expect(malformed(() => decodeExtenderArgs({ NodeNames: ["a"] }))).toBe("Pod is missing");
    expect(malformed(() => decodeExtenderArgs({ Pod: null, NodeNames: ["a"] }))).toBe("Pod is missing");
    expect(malformed(() => decodeExtenderArgs({ Pod: "x", NodeNames: ["a"] }))).toBe(
      "Pod must be a JSON object, got a string",
    );
    expect(malformed(() => decodeExtenderArgs({ Pod: { metadata: { name: "p" } }, NodeNames: ["a"] }))).toBe(
      "Pod.metadata.namespace is missing or empty",
    );
    expect(malformed(() => decodeExtenderArgs({ Pod: pod, Nodes: null, NodeNames: null }))).toBe(
      "neither Nodes nor NodeNames is set: one of them lists the candidate nodes",
    );
    expect(malformed(() => decodeExtenderArgs({ Pod: pod, NodeNames: ["a", 3] }))).toBe(
      "NodeNames[1] must be a string, got a number",
    );
    expect(malformed(() => decodeExtenderArgs({ Pod: pod, NodeNames: "a" }))).toBe(
      "NodeNames must be an array of strings, got a string",
    );
    expect(malformed(() => decodeExtenderArgs({ Pod: pod, Nodes: { items: [{ metadata: {} }] } }))).toBe(
      "Nodes.items[0].metadata.name is missing or empty",
    );
    expect(malformed(() => decodeExtenderArgs({ Pod: pod, Nodes: { items: {} } }))).toBe(
      "Nodes.items must be an array, got an object",
    );
    expect(malformed(() => decodeExtenderArgs({ Pod: pod, Nodes: { items: [] }, NodeNames: [] }))).toMatch(
      /^both Nodes and NodeNames are set/,
    );
  });
});

describe("decodeBindingArgs", () => {
  it("decodes the bind body a real kube-scheduler sent, in any key case", () => {
    const expected = {
      PodName: "bind-gpu-pod",
      PodNamespace: "default",
      PodUID: "6abca957-50be-492e-ab47-cf5c8eb92688",
      Node: "fake-gpu-node-c",
    };
    expect(decodeBindingArgs(fixture("bind-request.json"))).toEqual(expected);
    expect(
      decodeBindingArgs({
        podname: "bind-gpu-pod",
        PODNAMESPACE: "default",
        podUid: "6abca957-50be-492e-ab47-cf5c8eb92688",
        node: "fake-gpu-node-c",
      }),
    ).toEqual(expected);
  });

  it("refuses a bind without a node or pod name", () => {
    expect(malformed(() => decodeBindingArgs({ PodName: "p", PodNamespace: "d", PodUID: "u" }))).toBe(
      "Node is missing or empty",
    );
    expect(malformed(() => decodeBindingArgs({ PodName: 1, PodNamespace: "d", Node: "n" }))).toBe(
      "PodName must be a string, got a number",
    );
  });
});

describe("decodePreemptionArgs", () => {
  it("decodes the full-mode preempt body a real kube-scheduler sent", () => {
    const args = decodePreemptionArgs(fixture("full-preempt-request.json"));
    expect(args.NodeNameToMetaVictims).toBeNull();
    expect(Object.keys(args.NodeNameToVictims ?? {})).toEqual(["fake-gpu-node-a"]);
    const victims = args.NodeNameToVictims?.["fake-gpu-node-a"];
    expect(victims?.NumPDBViolations).toBe(0);
    expect(victims?.Pods.map((p) => p.metadata?.uid)).toEqual(["217964f2-0522-4209-8b19-2a7b3258c79c"]);
  });

  it("decodes names-mode meta victims and treats a null victims entry as no pods", () => {
    const pod = fixture("full-preempt-request.json").Pod;
    const args = decodePreemptionArgs({
      pod,
      nodeNameToMetaVictims: { a: { pods: [{ uid: "u1" }, { UID: "u2" }], numPDBViolations: 1 }, b: null },
    });
    expect(args.NodeNameToMetaVictims).toEqual({
      a: { Pods: [{ UID: "u1" }, { UID: "u2" }], NumPDBViolations: 1 },
      b: { Pods: [], NumPDBViolations: 0 },
    });
  });

  it("refuses victims that do not decode", () => {
    const pod = fixture("full-preempt-request.json").Pod;
    expect(malformed(() => decodePreemptionArgs({ Pod: pod, NodeNameToMetaVictims: { a: { Pods: [{}] } } }))).toBe(
      'NodeNameToMetaVictims["a"].Pods[0].UID is missing or empty',
    );
    expect(
      malformed(() => decodePreemptionArgs({ Pod: pod, NodeNameToMetaVictims: { a: { NumPDBViolations: 1.5 } } })),
    ).toBe('NodeNameToMetaVictims["a"].NumPDBViolations must be an integer, got a number 1.5');
  });
});
