/**
 * Every input is bounded: GPUs per node and per pod, name lengths, message lengths, JSON depth.
 * A caller's mistake is a 4xx (or, for a pod the API server accepted, filter's Error) with a
 * reason carrying numbers, never an internal error; a node tierfit cannot model is refused with
 * a reason in both modes, and the process stays up and answering.
 */
import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_GPUS_PER_NODE } from "../../src/cluster/limits.js";
import { defaultConfig } from "../../src/config/load.js";
import { buildExtenderApp } from "../../src/extender/app.js";
import { MAX_FULL_NODES } from "../../src/extender/body-limit.js";
import { MAX_JSON_DEPTH } from "../../src/extender/json-body.js";
import { type KubeCluster, startKubeCluster } from "../../src/extender/kube/index.js";
import { EMPTY_DEMAND } from "../../src/scoring/demand-snapshot.js";
import { FakeKubeApi } from "../support/fake-kube-api.js";
import { v1Node } from "../support/kube-objects.js";
import { mulberry32 } from "../support/prng.js";
import { makeHarness } from "./harness.js";
import { collectingLogger, waitFor } from "./kube/support.js";
import { gpuNode, gpuPod } from "./objects.js";

const HUGE_GPUS = 3_000_000;

function podAsking(gpus: string): V1Pod {
  const pod = gpuPod({ name: "greedy" });
  const resources = pod.spec!.containers[0].resources!;
  resources.requests!["nvidia.com/gpu"] = gpus;
  resources.limits!["nvidia.com/gpu"] = gpus;
  return pod;
}

function nestedArray(depth: number): string {
  return `${"[".repeat(depth)}${"]".repeat(depth)}`;
}

describe("GPUs per node", () => {
  it("refuses, in full mode, a node advertising 3,000,000 GPUs with a reason, and judges the others", async () => {
    const h = makeHarness({ standalone: true });
    const huge = gpuNode({ name: "huge", gpus: HUGE_GPUS });
    const res = await h.post("filter", {
      Pod: gpuPod({ name: "p" }),
      Nodes: { items: [huge, gpuNode({ name: "ok" })] },
    });
    expect(res.status).toBe(200);
    const result = res.json as { Nodes: { items: V1Node[] }; FailedAndUnresolvableNodes: Record<string, string> };
    expect(result.Nodes.items.map((n) => n.metadata?.name)).toEqual(["ok"]);
    expect(result.FailedAndUnresolvableNodes.huge).toBe(
      `tierfit cannot read node huge: node huge, status.allocatable.nvidia.com/gpu: 3,000,000 GPUs is more than tierfit models on one node (at most ${MAX_GPUS_PER_NODE.toLocaleString("en-US")})`,
    );
  });

  it("accepts a node at the cap", async () => {
    const h = makeHarness({ standalone: true });
    const res = await h.post("filter", {
      Pod: gpuPod({ name: "p" }),
      Nodes: { items: [gpuNode({ name: "big", gpus: MAX_GPUS_PER_NODE })] },
    });
    expect((res.json as { Nodes: { items: V1Node[] } }).Nodes.items).toHaveLength(1);
  });
});

describe("a node the informer-fed cache cannot model (names mode)", () => {
  let api: FakeKubeApi | undefined;
  let cluster: KubeCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    await api?.close();
    cluster = undefined;
    api = undefined;
  });

  it("is refused with its reason while the process keeps serving, and is modelled again once it is fixed", async () => {
    api = await FakeKubeApi.start();
    api.putNode(v1Node({ name: "gpu-a", gpus: 2 }));
    api.putNode(v1Node({ name: "huge", gpus: HUGE_GPUS }));
    const config = defaultConfig();
    const { logger, lines } = collectingLogger();
    cluster = await startKubeCluster(() => config, logger, { kubeConfig: api.kubeConfig() });
    const kube = cluster;
    await waitFor("the cache to sync", () => kube.cache.synced());
    const app = buildExtenderApp({
      config: () => config,
      demand: () => EMPTY_DEMAND,
      now: Date.now,
      kube: { cache: kube.cache, binder: kube.binder, podSource: kube.podSource, claims: kube.claims },
      logger,
    });
    const filter = async () =>
      (
        await app.inject({
          method: "POST",
          url: "/filter",
          payload: { Pod: gpuPod({ name: "p" }), NodeNames: ["gpu-a", "huge"] },
        })
      ).json() as { NodeNames: string[]; FailedAndUnresolvableNodes: Record<string, string>; Error: string };

    const first = await filter();
    expect(first.Error).toBe("");
    expect(first.NodeNames).toEqual(["gpu-a"]);
    expect(first.FailedAndUnresolvableNodes.huge).toMatch(
      /^tierfit cannot read node huge: .*3,000,000 GPUs is more than tierfit models on one node \(at most 1,024\)$/,
    );
    expect(lines.filter((l) => /node huge skipped/.test(l.msg))).toHaveLength(1);
    expect((await app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
    expect(process.memoryUsage().heapUsed).toBeLessThan(1024 * 1024 * 1024);

    api.putNode(v1Node({ name: "huge", gpus: 8 }));
    await waitFor("the fixed node", () => kube.cache.ledger.node("huge") !== undefined);
    expect((await filter()).NodeNames).toEqual(["gpu-a", "huge"]);
    await app.close();
  });
});

describe("GPUs per pod", () => {
  it("answers a pod asking 1e18 GPUs with a reason carrying the numbers, not an internal error", async () => {
    const h = makeHarness({ nodes: [gpuNode({ name: "node-a" })] });
    const message =
      "pod default/greedy requests 1,000,000,000,000,000,000 nvidia.com/gpu; tierfit places at most 1,024 GPUs per pod (all on one node)";
    const filter = await h.post("filter", { Pod: podAsking("1e18"), NodeNames: ["node-a"] });
    expect(filter.status).toBe(200);
    expect((filter.json as { Error: string }).Error).toBe(message);
    expect(await h.post("prioritize", { Pod: podAsking("1e18"), NodeNames: ["node-a"] })).toEqual({
      status: 400,
      json: { Error: message },
    });
    expect(h.logs.some((l) => l.level === 50)).toBe(false);
  });

  it("refuses a quantity longer than any Kubernetes quantity", async () => {
    const h = makeHarness({ nodes: [gpuNode({ name: "node-a" })] });
    const filter = await h.post("filter", { Pod: podAsking("9".repeat(100_000)), NodeNames: ["node-a"] });
    const error = (filter.json as { Error: string }).Error;
    expect(error).toMatch(/is not a Kubernetes quantity/);
    expect(error.length).toBeLessThan(500);
  });
});

describe("names and messages", () => {
  it("answers a 5 MB pod name with a 400 and keeps the log line short", async () => {
    const h = makeHarness({ nodes: [gpuNode({ name: "node-a" })] });
    const pod = gpuPod({ name: "x".repeat(5 * 1024 * 1024) });
    const res = await h.post("filter", { Pod: pod, NodeNames: ["node-a"] });
    expect(res.status).toBe(400);
    expect((res.json as { Error: string }).Error).toBe(
      "Pod.metadata.name is 5,242,880 characters long; Kubernetes names have at most 253",
    );
    const longest = Math.max(...h.logs.map((l) => JSON.stringify(l).length));
    expect(longest).toBeLessThan(4096);
  });

  it("answers over-long node names, namespaces and bind fields with a 400 naming the field", async () => {
    const h = makeHarness({ nodes: [gpuNode({ name: "node-a" })] });
    const long = "n".repeat(254);
    const names = await h.post("filter", { Pod: gpuPod({ name: "p" }), NodeNames: ["node-a", long] });
    expect(names.status).toBe(400);
    expect((names.json as { Error: string }).Error).toBe(
      "NodeNames[1] is 254 characters long; Kubernetes names have at most 253",
    );
    const ns = await h.post("prioritize", {
      Pod: gpuPod({ name: "p", namespace: "s".repeat(64) }),
      NodeNames: ["node-a"],
    });
    expect(ns).toEqual({
      status: 400,
      json: { Error: "Pod.metadata.namespace is 64 characters long; Kubernetes names have at most 63" },
    });
    const bind = await h.post("bind", { PodName: "p", PodNamespace: "default", PodUID: "u", Node: long });
    expect(bind).toEqual({
      status: 400,
      json: { Error: "Node is 254 characters long; Kubernetes names have at most 253" },
    });
  });

  it("refuses label values longer than Kubernetes allows, quoting only a bounded part", async () => {
    const h = makeHarness({ standalone: true });
    const node = gpuNode({ name: "odd" });
    node.metadata!.labels!["nvidia.com/gpu.product"] = "p".repeat(1_000_000);
    const res = await h.post("filter", { Pod: gpuPod({ name: "p" }), Nodes: { items: [node] } });
    const reason = (res.json as { FailedAndUnresolvableNodes: Record<string, string> }).FailedAndUnresolvableNodes.odd;
    expect(reason).toBe(
      "tierfit cannot read node odd: node odd, metadata.labels.nvidia.com/gpu.product is 1,000,000 characters long; Kubernetes allows at most 63",
    );
  });
});

describe("nodes per call", () => {
  it("answers a full-mode body listing 100,000 nodes with a 400 pointing to names mode", async () => {
    const h = makeHarness({ standalone: true });
    const items = Array.from({ length: 100_000 }, (_, i) => ({ metadata: { name: `n${i}` } }));
    const res = await h.post("prioritize", { Pod: gpuPod({ name: "p" }), Nodes: { items } });
    expect(res).toEqual({
      status: 400,
      json: {
        Error: `Nodes lists 100,000 nodes; tierfit judges at most ${MAX_FULL_NODES.toLocaleString("en-US")} per call in full mode (set nodeCacheCapable: true for larger clusters)`,
      },
    });
    const names = await h.post("filter", {
      Pod: gpuPod({ name: "p" }),
      NodeNames: items.map((_, i) => `n${i}`).concat(["x"]),
    });
    expect(names.status).toBe(400);
    expect((names.json as { Error: string }).Error).toBe(
      "NodeNames lists 100,001 nodes; tierfit judges at most 100,000 per call",
    );
  });
});

describe("JSON depth", () => {
  it("answers 100,000-deep JSON inside a node with a 400 and a reason, in every verb", async () => {
    const h = makeHarness({ standalone: true });
    const body = JSON.stringify({ Pod: gpuPod({ name: "p" }), Nodes: { items: [gpuNode({ name: "n" })] } }).replace(
      '"metadata":{"name":"n"',
      `"metadata":{"x":${nestedArray(100_000)},"name":"n"`,
    );
    for (const verb of ["filter", "prioritize", "preempt", "bind"]) {
      const res = await h.post(verb, body);
      expect(res.status).toBe(400);
      expect((res.json as { Error: string }).Error).toBe(
        `${verb}: the body nests JSON more than ${MAX_JSON_DEPTH} levels deep, which tierfit refuses (Kubernetes objects nest fewer than 30)`,
      );
    }
  });

  it("accepts nesting up to the cap, and refuses one level more, also on fastify's guarded path", async () => {
    const h = makeHarness({ standalone: true });
    const at = (depth: number, extra = "") =>
      JSON.stringify({ Pod: gpuPod({ name: "p" }), Nodes: { items: [gpuNode({ name: "n" })] } }).replace(
        '"spec":{',
        // The body, Pod and spec are three levels; the annotation below is one more.
        `"spec":{"x":${nestedArray(depth - 3)},${extra}`,
      );
    expect((await h.post("filter", at(MAX_JSON_DEPTH))).status).toBe(200);
    expect((await h.post("filter", at(MAX_JSON_DEPTH + 1))).status).toBe(400);
    // A \u escape sends the body through fastify's prototype-poisoning check first.
    expect((await h.post("filter", at(MAX_JSON_DEPTH + 1, '"y":"\\u0041",'))).status).toBe(400);
  });
});

describe("any body", () => {
  const JUNK: unknown[] = [null, 0, -1, 1e308, "", "x", "1e18", "-5", [], {}, [1], { a: 1 }, true, "9".repeat(70)];

  /** `value` with one field somewhere inside replaced by junk. */
  function mutate(value: unknown, draw: () => number): unknown {
    const junk = () => JUNK[Math.floor(draw() * JUNK.length)];
    if (typeof value !== "object" || value === null) return junk();
    const keys = Object.keys(value);
    if (keys.length === 0) return junk();
    const key = keys[Math.floor(draw() * keys.length)];
    const copy = { ...value } as Record<string, unknown>;
    copy[key] = draw() < 0.3 ? junk() : mutate(copy[key], draw);
    return Array.isArray(value) ? Object.values(copy) : copy;
  }

  it("is answered without an internal error: malformed parts are a 4xx or a reason", async () => {
    const draw = mulberry32(13);
    const nodes = [gpuNode({ name: "node-a" }), gpuNode({ name: "node-b", gpus: 2 })];
    const harnesses = [makeHarness({ nodes }), makeHarness({ nodes, standalone: true })];
    const bases = [
      { Pod: gpuPod({ name: "p", gpuMemory: "10Gi" }), NodeNames: ["node-a", "node-b"] },
      { Pod: gpuPod({ name: "p" }), Nodes: { items: nodes } },
      {
        Pod: gpuPod({ name: "p" }),
        NodeNameToMetaVictims: { "node-a": { Pods: [{ UID: "u" }], NumPDBViolations: 0 } },
      },
      { PodName: "p", PodNamespace: "default", PodUID: "uid-p", Node: "node-a" },
    ];
    const internal: string[] = [];
    for (let i = 0; i < 200; i++) {
      let body: unknown = bases[i % bases.length];
      for (let m = 0; m < 3; m++) body = mutate(body, draw);
      for (const verb of ["filter", "prioritize", "preempt", "bind"]) {
        const res = await harnesses[i % 2].post(verb, body);
        const text = JSON.stringify(res.json);
        if (res.status >= 500 || /tierfit \w+ failed/.test(text)) internal.push(`${verb} ${res.status} ${text}`);
      }
    }
    expect(internal).toEqual([]);
    expect(harnesses.flatMap((h) => h.logs).filter((l) => (l.level as number) >= 50)).toEqual([]);
  });
});
