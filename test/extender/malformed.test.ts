import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BYTES_PER_FULL_NODE, DEFAULT_BODY_LIMIT, FULL_NODES_TO_FIT } from "../../src/extender/body-limit.js";
import { makeHarness } from "./harness.js";
import { gpuNode, gpuPod } from "./objects.js";

const NODES = [gpuNode({ name: "node-a" }), gpuNode({ name: "node-b", tier: "hypervisor", gpus: 2 })];
const POD = gpuPod({ name: "p", gpuMemory: "10Gi" });

describe("bodies that do not decode", () => {
  it("answers invalid JSON with 400 and a JSON Error, in the verb's own result shape", async () => {
    const h = makeHarness({ nodes: NODES });
    const filter = await h.post("filter", '{"Pod": {');
    expect(filter.status).toBe(400);
    expect(filter.json).toMatchObject({
      Nodes: null,
      NodeNames: null,
      FailedNodes: {},
      FailedAndUnresolvableNodes: {},
    });
    expect((filter.json as { Error: string }).Error).toMatch(/^filter: /);
    const bind = await h.post("bind", "not json");
    expect(bind.status).toBe(400);
    expect(Object.keys(bind.json as object)).toEqual(["Error"]);
  });

  it("answers a wrongly typed field with 400 naming the field", async () => {
    const h = makeHarness({ nodes: NODES });
    expect(await h.post("filter", { Pod: POD, NodeNames: [1] })).toEqual({
      status: 400,
      json: {
        Nodes: null,
        NodeNames: null,
        FailedNodes: {},
        FailedAndUnresolvableNodes: {},
        Error: "NodeNames[0] must be a string, got a number",
      },
    });
    expect(await h.post("prioritize", { Pod: 7, NodeNames: ["node-a"] })).toEqual({
      status: 400,
      json: { Error: "Pod must be a JSON object, got a number" },
    });
    expect(await h.post("preempt", { Pod: POD, NodeNameToMetaVictims: [] })).toEqual({
      status: 400,
      json: { Error: "NodeNameToMetaVictims must be a JSON object, got an array" },
    });
    const log = h.logs.find((l) => l.verb === "prioritize");
    expect(log).toMatchObject({ level: 40, outcome: "malformed", error: "Pod must be a JSON object, got a number" });
  });

  it("reads the body as JSON whatever the content type, as Go extenders do", async () => {
    const h = makeHarness({ nodes: NODES });
    const res = await h.app.inject({
      method: "POST",
      url: "/filter",
      headers: { "content-type": "text/plain" },
      payload: JSON.stringify({ Pod: POD, NodeNames: ["node-a"] }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ NodeNames: ["node-a"], Error: "" });
    const bare = await h.app.inject({
      method: "POST",
      url: "/filter",
      payload: JSON.stringify({ Pod: POD, NodeNames: ["node-a"] }),
    });
    expect(bare.statusCode).toBe(200);
    expect(bare.json()).toMatchObject({ NodeNames: ["node-a"], Error: "" });
  });

  it("refuses prototype-poisoning keys, however they are spelled", async () => {
    const h = makeHarness({ nodes: NODES });
    const pod = JSON.stringify(POD);
    for (const key of ["__proto__", "\\u005f_proto__", "constructor"]) {
      const payload = `{"Pod": ${pod}, "NodeNames": ["node-a"], "${key}": {"prototype": {"polluted": true}}}`;
      const res = await h.post("filter", payload);
      expect([res.status, (res.json as { Error: string }).Error]).toEqual([
        400,
        "filter: the body contains a __proto__ or constructor.prototype key, which tierfit refuses",
      ]);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The fast path still reads ordinary bodies, escapes included.
    const escaped = JSON.stringify({ Pod: POD, NodeNames: ["node-a"] }).replace('"node-a"', '"node\\u002da"');
    expect((await h.post("filter", escaped)).json).toMatchObject({ NodeNames: ["node-a"], Error: "" });
  });

  it("refuses a body over the limit with 413 and a JSON Error", async () => {
    const h = makeHarness({ nodes: NODES, bodyLimit: 20_000 });
    const res = await h.post("filter", { Pod: POD, Nodes: { items: NODES } });
    expect(res.status).toBe(413);
    expect((res.json as { Error: string }).Error).toMatch(/^filter: .*body/i);
  });

  it("has a default body limit that fits 5,000 realistic full v1 nodes", () => {
    const node = JSON.stringify(JSON.parse(readFileSync("test/extender/fixtures/gpu-node.json", "utf8")));
    // The fixture (20 images) must be within the per-node budget, which allows for kubelet's 50 images.
    expect(node.length).toBeGreaterThan(10_000);
    expect(node.length).toBeLessThan(BYTES_PER_FULL_NODE);
    expect(DEFAULT_BODY_LIMIT).toBeGreaterThanOrEqual(FULL_NODES_TO_FIT * BYTES_PER_FULL_NODE);
  });

  it("answers unknown routes with 404 and a JSON Error listing the verbs", async () => {
    const h = makeHarness();
    const res = await h.post("filtre", {});
    expect(res).toEqual({
      status: 404,
      json: { Error: "no route POST /filtre; tierfit serves POST /filter, /prioritize, /bind, /preempt" },
    });
  });
});

/** Mutations of a valid body: drop, retype or duplicate a value somewhere in the tree. */
function mutate(value: unknown, rnd: () => number, depth = 0): unknown {
  const replacements = [null, 0, -1, 1.5, "", "x", true, [], {}, [null], { metadata: null }, "1e999", 2 ** 60];
  if (depth > 0 && rnd() < 0.15) return replacements[Math.floor(rnd() * replacements.length)];
  if (Array.isArray(value)) {
    if (value.length === 0) return rnd() < 0.5 ? [replacements[Math.floor(rnd() * replacements.length)]] : value;
    const out = [...value];
    const i = Math.floor(rnd() * out.length);
    out[i] = mutate(out[i], rnd, depth + 1);
    if (rnd() < 0.1) out.push(out[0]);
    return out;
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(out);
    if (keys.length === 0) return replacements[Math.floor(rnd() * replacements.length)];
    const k = keys[Math.floor(rnd() * keys.length)];
    const r = rnd();
    if (r < 0.1) delete out[k];
    else if (r < 0.2) out[k.toLowerCase()] = out[k];
    else out[k] = mutate(out[k], rnd, depth + 1);
    return out;
  }
  return replacements[Math.floor(rnd() * replacements.length)];
}

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

describe("fuzzed bodies", () => {
  it("never answers 5xx, always JSON, with an Error on every non-200", async () => {
    const h = makeHarness({ nodes: NODES });
    const valid: [string, unknown][] = [
      ["filter", { Pod: POD, Nodes: null, NodeNames: ["node-a", "node-b"] }],
      ["prioritize", { Pod: POD, Nodes: { metadata: {}, items: NODES }, NodeNames: null }],
      ["bind", { PodName: "p", PodNamespace: "default", PodUID: "uid-p", Node: "node-a" }],
      ["preempt", { Pod: POD, NodeNameToMetaVictims: { "node-a": { Pods: [{ UID: "uid-x" }], NumPDBViolations: 0 } } }],
    ];
    const rnd = seeded(20261124);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 400; i++) {
      const [verb, body] = valid[i % valid.length];
      let mutated = body;
      const rounds = 1 + Math.floor(rnd() * 3);
      for (let r = 0; r < rounds; r++) mutated = mutate(mutated, rnd);
      const res = await h.app.inject({
        method: "POST",
        url: `/${verb}`,
        headers: { "content-type": "application/json" },
        payload: JSON.stringify(mutated),
      });
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      expect([200, 400], `${verb} ${JSON.stringify(mutated).slice(0, 400)}`).toContain(res.statusCode);
      const json = res.json();
      if (res.statusCode === 400) expect(typeof json.Error === "string" && json.Error.length > 0).toBe(true);
      // A bind that went through must not have double-booked anything.
      if (verb === "bind" && json.Error === "") h.ledger.release("default/p");
    }
    // The mutations must exercise both answers, or the test proves nothing.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(40);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(40);
  });
});
