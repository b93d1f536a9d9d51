/**
 * The pieces the prioritize-by-name shortcut and the byte replies rest on: the ledger's change
 * count, and replies written as UTF-8 bytes section by section.
 */
import { describe, expect, it } from "vitest";
import { AllocationLedger } from "../../src/cluster/ledger.js";
import type { Allocation } from "../../src/cluster/types.js";
import {
  failureMember,
  filterResultJson,
  jsonBytes,
  priorityItem,
  priorityListJson,
  quotedName,
} from "../../src/extender/reply-json.js";
import { gpu, nodeState } from "../support/core-builders.js";
import { makeHarness } from "./harness.js";
import { gpuPod } from "./objects.js";

describe("AllocationLedger.changes", () => {
  const view = nodeState({ name: "n1", gpus: [gpu(40960), gpu(40960)] }).view;
  const alloc = (podKey: string, units = 1000): Allocation => ({
    podKey,
    node: "n1",
    tenant: "t",
    sharingTier: 1,
    milliCpu: 0,
    memoryBytes: 0,
    devices: [{ index: 0, units }],
  });

  it("grows with every change a lookup could see, and only then", () => {
    const ledger = new AllocationLedger();
    const seen: number[] = [ledger.changes];
    const step = (change: () => unknown) => {
      change();
      seen.push(ledger.changes);
    };
    step(() => ledger.upsertNode(view));
    step(() => ledger.assign(alloc("a")));
    step(() => ledger.restore(alloc("b")));
    step(() => ledger.release("a"));
    step(() => ledger.upsertNode(view));
    step(() => ledger.removeNode("n1"));
    const grew = seen.slice(1).map((c, i) => c > seen[i]);
    expect(grew).toEqual([true, true, true, true, true, true]);

    ledger.upsertNode(view);
    const before = ledger.changes;
    ledger.node("n1");
    ledger.nodes();
    expect(ledger.assign(alloc("too-big", 10 ** 12))).not.toBeNull();
    expect(ledger.release("nobody")).toBeUndefined();
    ledger.removeNode("unknown");
    expect(ledger.changes).toBe(before);
  });
});

describe("replies as UTF-8 bytes", () => {
  it("encodes every section, multi-byte characters included, lists comma-separated", () => {
    const items = [quotedName("größer ≥ 1 GiB — ok"), quotedName("😀"), quotedName("")];
    const bytes = jsonBytes(['{"a":', JSON.stringify("größer ≥ 1 GiB — ok"), ',"b":[', items, '],"c":[', [], "]}"]);
    expect(JSON.parse(bytes.toString("utf8"))).toEqual({
      a: "größer ≥ 1 GiB — ok",
      b: ["größer ≥ 1 GiB — ok", "😀", ""],
      c: [],
    });
    expect(bytes.length).toBe(Buffer.byteLength(bytes.toString("utf8")));
  });

  it("writes filter and prioritize results as JSON.stringify would", () => {
    const result = filterResultJson({
      nodes: "null",
      nodeNames: [quotedName("nöde-1")],
      failed: [failureMember("nöde-2", "needs ≥ 2 GPUs")],
      unresolvable: [],
    });
    const want = {
      Nodes: null,
      NodeNames: ["nöde-1"],
      FailedNodes: { "nöde-2": "needs ≥ 2 GPUs" },
      FailedAndUnresolvableNodes: {},
      Error: "",
    };
    expect(result.bytes.equals(Buffer.from(JSON.stringify(want)))).toBe(true);
    expect(result.parse()).toEqual(want);
    const list = priorityListJson([priorityItem("nöde-1", 7.4), priorityItem("b", Number.NaN)]);
    expect(list.text).toBe(
      JSON.stringify([
        { Host: "nöde-1", Score: 7 },
        { Host: "b", Score: 0 },
      ]),
    );
  });

  it("sends a reply with non-ASCII names whole, with its byte length", async () => {
    const h = makeHarness({ nodes: [] });
    const payload = JSON.stringify({ Pod: gpuPod({ name: "p" }), NodeNames: ["nöde-ü", "ノード"] });
    const res = await h.app.inject({
      method: "POST",
      url: "/filter",
      payload,
      headers: { "content-type": "application/json" },
    });
    expect(Number(res.headers["content-length"])).toBe(res.rawPayload.length);
    expect(res.json()).toMatchObject({
      NodeNames: [],
      FailedNodes: { "nöde-ü": expect.any(String), ノード: expect.any(String) },
    });
  });
});
