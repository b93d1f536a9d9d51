import { describe, expect, it } from "vitest";
import type { Allocation } from "../../src/cluster/types.js";
import { defaultConfig } from "../../src/config/load.js";
import type { TierfitConfig } from "../../src/config/schema.js";
import type { Binder, BindResult, BindTarget } from "../../src/extender/ports.js";
import { STANDALONE_BIND_ERROR } from "../../src/extender/verbs/bind.js";
import { makeHarness, occupy } from "./harness.js";
import { gpuNode, gpuPod } from "./objects.js";

const GIB_UNITS = 1024 * 1000;
const POD = gpuPod({ name: "llm-0", uid: "uid-llm-0", gpuMemory: "20Gi", tier: "sandboxed", tenant: "team-a" });
const bindArgs = (pod: string, node: string, uid = `uid-${pod}`, namespace = "default") => ({
  PodName: pod,
  PodNamespace: namespace,
  PodUID: uid,
  Node: node,
});

describe("bind", () => {
  it("reads the pod from the API side, reserves its devices, and binds through the Binder", async () => {
    const h = makeHarness({ nodes: [gpuNode({ name: "node-a", gpus: 2, tier: "sandboxed" })], apiPods: [POD] });
    occupy(h, "default/other", "node-a", [{ index: 0, gib: 30 }], "default", 1);
    await h.post("filter", { Pod: POD, NodeNames: ["node-a"] });
    const res = await h.post("bind", bindArgs("llm-0", "node-a"));
    expect(res).toEqual({ status: 200, json: { Error: "" } });
    const expected: Allocation = {
      podKey: "default/llm-0",
      node: "node-a",
      tenant: "default",
      sharingTier: 0,
      model: null,
      milliCpu: 1000,
      memoryBytes: 2 ** 30,
      devices: [{ index: 1, units: 20 * GIB_UNITS }],
    };
    expect(h.binds).toEqual([
      {
        target: {
          podName: "llm-0",
          podNamespace: "default",
          podUid: "uid-llm-0",
          resourceVersion: POD.metadata!.resourceVersion,
          node: "node-a",
        },
        allocation: expected,
      },
    ]);
    // The reservation stays in the ledger until the informer confirms the bound pod.
    expect(h.ledger.allocation("default/llm-0")).toEqual(expected);
    expect(h.podLookups).toEqual(["default/llm-0"]);
    expect(h.logs.find((l) => l.verb === "bind")).toMatchObject({
      pod: "default/llm-0",
      node: "node-a",
      devices: [1],
      outcome: "ok",
    });
  });

  it("decides from the pod's API object, never from a filter body: a forged tier or tenant changes nothing", async () => {
    // The real pod needs the hypervisor tier and belongs to team-a.
    const real = gpuPod({
      name: "secret-0",
      namespace: "team-a",
      tier: "hypervisor",
      tenant: "team-a",
      gpuMemory: "10Gi",
    });
    const h = makeHarness({
      nodes: [
        gpuNode({ name: "shared", gpus: 2, tier: "shared-kernel" }),
        gpuNode({ name: "vm", gpus: 2, tier: "hypervisor" }),
      ],
      apiPods: [real],
    });
    // Another tenant already holds half of a GPU on the hypervisor node.
    occupy(h, "default/other", "vm", [{ index: 0, gib: 10 }], "team-b", 1);
    // A forged filter body: the same UID, the tier annotation removed, another tenant claimed.
    const forged = gpuPod({ name: "secret-0", namespace: "team-a", tenant: "team-b", gpuMemory: "10Gi" });
    expect((await h.post("filter", { Pod: forged, NodeNames: ["shared", "vm"] })).json).toMatchObject({
      NodeNames: ["shared", "vm"],
    });
    expect((await h.post("bind", bindArgs("secret-0", "shared", "uid-secret-0", "team-a"))).json).toEqual({
      Error:
        "cannot bind team-a/secret-0 to shared: needs tier hypervisor (annotation tierfit.io/isolation-tier=hypervisor); node is shared-kernel (label tierfit.io/isolation-tier=shared-kernel)",
    });
    expect(h.binds).toEqual([]);
    // On the hypervisor node it gets a device of its own, not a share of the one another tenant uses
    // (where the forged tenant, team-b, would have been packed).
    expect((await h.post("bind", bindArgs("secret-0", "vm", "uid-secret-0", "team-a"))).json).toEqual({ Error: "" });
    expect(h.binds.map((b) => [b.allocation.tenant, b.allocation.devices.map((d) => d.index)])).toEqual([
      ["team-a", [1]],
    ]);
    expect(h.ledger.conflicts()).toEqual([]);
  });

  describe("sharing a GPU across tenants follows the pod's RuntimeClass, never its tier annotation", () => {
    // The shipped tiers, with an operator letting hypervisor pods of different tenants share a GPU.
    const base = defaultConfig();
    const config: TierfitConfig = {
      ...base,
      tiers: base.tiers.map((t) =>
        t.name === "hypervisor" ? { ...t, gpuSharing: "shared" as const, shareDevicesAcrossTenants: true } : t,
      ),
    };
    /** A one-GPU hypervisor node where team-b's hypervisor pod (RuntimeClass edera) holds 10 GiB. */
    const setup = (pod: ReturnType<typeof gpuPod>) => {
      const h = makeHarness({ config, nodes: [gpuNode({ name: "vm", gpus: 1, tier: "hypervisor" })], apiPods: [pod] });
      occupy(h, "team-b/model-0", "vm", [{ index: 0, gib: 10 }], "team-b", 2);
      return h;
    };
    const pod = (runtimeClassName?: string) =>
      gpuPod({ name: "p-0", namespace: "team-a", tier: "hypervisor", gpuMemory: "10Gi", runtimeClassName });

    it("keeps a pod that only annotates itself hypervisor (running under runc or none) off team-b's GPU", async () => {
      for (const runtime of [undefined, "runc"]) {
        const h = setup(pod(runtime));
        const reason = `needs 1 GPU not shared with another tenant; 1 of 1 GPU with room holds 1 pod of another tenant, and pod's tier hypervisor comes from annotation tierfit.io/isolation-tier, not its runtimeClass (${runtime === undefined ? "none" : "runc, tier shared-kernel"}), so it shares no GPU across tenants`;
        expect((await h.post("filter", { Pod: pod(runtime), NodeNames: ["vm"] })).json).toMatchObject({
          NodeNames: [],
          FailedNodes: { vm: reason },
        });
        expect((await h.post("bind", bindArgs("p-0", "vm", "uid-p-0", "team-a"))).json).toEqual({
          Error: `cannot bind team-a/p-0 to vm: ${reason}`,
        });
        expect(h.binds).toEqual([]);
      }
    });

    it("lets a pod that runs in a hypervisor RuntimeClass share it, recording the tier it runs at", async () => {
      const h = setup(pod("edera"));
      expect((await h.post("filter", { Pod: pod("edera"), NodeNames: ["vm"] })).json).toMatchObject({
        NodeNames: ["vm"],
      });
      expect((await h.post("bind", bindArgs("p-0", "vm", "uid-p-0", "team-a"))).json).toEqual({ Error: "" });
      expect(h.binds.map((b) => [b.allocation.tenant, b.allocation.sharingTier, b.allocation.devices])).toEqual([
        ["team-a", 2, [{ index: 0, units: 10 * GIB_UNITS }]],
      ]);
      expect(h.ledger.node("vm")!.devices[0].occupants.map((o) => [o.podKey, o.sharingTier])).toEqual([
        ["team-b/model-0", 2],
        ["team-a/p-0", 2],
      ]);
    });

    it("records an annotation-only pod at the tier it runs at, so no other tenant's pod joins it", async () => {
      const annotated = pod();
      const h = makeHarness({
        config,
        nodes: [gpuNode({ name: "vm", gpus: 1, tier: "hypervisor" })],
        apiPods: [annotated],
      });
      expect((await h.post("bind", bindArgs("p-0", "vm", "uid-p-0", "team-a"))).json).toEqual({ Error: "" });
      expect(h.binds[0].allocation.sharingTier).toBe(0);
      const joiner = gpuPod({ name: "q-0", namespace: "team-b", gpuMemory: "10Gi", runtimeClassName: "edera" });
      expect((await h.post("filter", { Pod: joiner, NodeNames: ["vm"] })).json).toMatchObject({ NodeNames: [] });
    });
  });

  it("refuses a pod of another scheduler, a pod already bound, and binds while the cache is not complete", async () => {
    const other = gpuPod({ name: "plain-0", schedulerName: "default-scheduler" });
    const bound = gpuPod({ name: "done-0", nodeName: "node-a" });
    const h = makeHarness({ nodes: [gpuNode({ name: "node-a", tier: null })], apiPods: [other, bound] });
    expect((await h.post("bind", bindArgs("plain-0", "node-a"))).json).toEqual({
      Error:
        'cannot bind default/plain-0: its schedulerName is "default-scheduler", and tierfit binds only pods of the scheduler profiles that use it (kube.schedulerNames: tierfit)',
    });
    expect((await h.post("bind", bindArgs("done-0", "node-a"))).json).toEqual({
      Error: "cannot bind default/done-0: the pod is already bound to node node-a",
    });
    const starting = makeHarness({
      nodes: [gpuNode({ name: "node-a", tier: null })],
      apiPods: [POD],
      synced: false,
      missing: ["pod informer has not completed its first list"],
    });
    expect((await starting.post("bind", bindArgs("llm-0", "node-a"))).json).toEqual({
      Error:
        "cannot bind default/llm-0: tierfit's cluster cache is not complete yet (pod informer has not completed its first list)",
    });
    expect([...h.binds, ...starting.binds]).toEqual([]);
  });

  it("answers with an Error when the pod is gone or was recreated", async () => {
    const h = makeHarness({ nodes: [gpuNode({ name: "node-a" })], apiPods: [POD] });
    expect((await h.post("bind", bindArgs("ghost", "node-a"))).json).toEqual({
      Error: "cannot bind default/ghost: the pod does not exist (deleted before it could be bound)",
    });
    expect((await h.post("bind", bindArgs("llm-0", "node-a", "uid-older"))).json).toEqual({
      Error:
        "cannot bind default/llm-0: the scheduler bound UID uid-older, but the pod now has UID uid-llm-0 (it was recreated)",
    });
    expect(h.binds).toEqual([]);
  });

  it("answers with the core's reason when the node no longer fits, and for a node it does not know", async () => {
    const h = makeHarness({ nodes: [gpuNode({ name: "node-a", gpus: 1, tier: "sandboxed" })], apiPods: [POD] });
    occupy(h, "default/other", "node-a", [{ index: 0, gib: 30 }], "default", 1);
    expect((await h.post("bind", bindArgs("llm-0", "node-a"))).json).toEqual({
      Error:
        "cannot bind default/llm-0 to node-a: needs 20 GiB on one GPU; no GPU has that free (largest free: 10 GiB)",
    });
    expect((await h.post("bind", bindArgs("llm-0", "node-z"))).json).toEqual({
      Error: "cannot bind default/llm-0 to node-z: node not in tierfit's cache yet",
    });
    expect(h.ledger.allocation("default/llm-0")).toBeUndefined();
  });

  it("releases the reservation when the API write is refused, and keeps it while its outcome is unknown", async () => {
    const failing: Binder = {
      async bind() {
        return {
          kind: "refused",
          cause: "forbidden",
          reason:
            'binding default/llm-0 to node-a failed: pods "llm-0" is forbidden: User "system:serviceaccount:kube-system:tierfit" cannot create pods/binding',
        };
      },
    };
    const h = makeHarness({ nodes: [gpuNode({ name: "node-a", tier: "sandboxed" })], apiPods: [POD], binder: failing });
    const res = await h.post("bind", bindArgs("llm-0", "node-a"));
    expect(res).toEqual({
      status: 200,
      json: {
        Error:
          'binding default/llm-0 to node-a failed: pods "llm-0" is forbidden: User "system:serviceaccount:kube-system:tierfit" cannot create pods/binding',
      },
    });
    expect(h.ledger.allocation("default/llm-0")).toBeUndefined();
    expect(h.ledger.node("node-a")?.devices.map((d) => d.freeUnits)).toEqual(Array(8).fill(40960 * 1000));

    const unknown = "binding pod default/llm-0 to node node-a failed: no answer from the API server within 2000 ms";
    const doubtful: Binder = {
      async bind() {
        return { kind: "in-doubt", reason: unknown, cause: "timeout" };
      },
    };
    const d = makeHarness({
      nodes: [gpuNode({ name: "node-a", tier: "sandboxed" })],
      apiPods: [POD],
      binder: doubtful,
    });
    expect((await d.post("bind", bindArgs("llm-0", "node-a"))).json).toEqual({ Error: unknown });
    expect(d.ledger.allocation("default/llm-0")?.devices).toEqual([{ index: 0, units: 20 * GIB_UNITS }]);
    // kube-scheduler's retry is refused while the first outcome is unknown: the device is never given twice.
    expect((await d.post("bind", bindArgs("llm-0", "node-a"))).json).toEqual({
      Error:
        "cannot bind default/llm-0: an earlier bind of this pod to node node-a is not settled yet (the API server has not shown whether it applied); its devices stay reserved until it does",
    });
  });

  it("reads the pod afresh and checks again when the API server says it changed since it was read", async () => {
    const reads: boolean[] = [];
    const results: BindResult[] = [{ kind: "stale", reason: "the pod changed", cause: "conflict" }, { kind: "bound" }];
    const targets: BindTarget[] = [];
    const h = makeHarness({
      nodes: [gpuNode({ name: "node-a", tier: "sandboxed" })],
      apiPods: [POD],
      binder: {
        async bind(target) {
          targets.push(target);
          return results.shift()!;
        },
      },
      onGetPod: (fresh) => reads.push(fresh),
    });
    expect((await h.post("bind", bindArgs("llm-0", "node-a"))).json).toEqual({ Error: "" });
    expect(reads).toEqual([false, true]);
    expect(targets).toHaveLength(2);
    expect(h.ledger.allocation("default/llm-0")?.node).toBe("node-a");
  });

  it("lets only one of two pods racing for one device-sized gap win; the other gets an Error", async () => {
    const slow: { calls: BindTarget[] } = { calls: [] };
    const binder: Binder = {
      async bind(target) {
        slow.calls.push(target);
        // The API write takes a while: the second bind arrives while the first is in flight.
        await new Promise((r) => setTimeout(r, 20));
        return { kind: "bound" };
      },
    };
    const podA = gpuPod({ name: "race-a", tier: "sandboxed", tenant: "team-a" });
    const podB = gpuPod({ name: "race-b", tier: "sandboxed", tenant: "team-a" });
    const h = makeHarness({
      nodes: [gpuNode({ name: "node-a", gpus: 2, tier: "sandboxed" })],
      apiPods: [podA, podB],
      binder,
    });
    occupy(h, "default/other", "node-a", [{ index: 0, gib: 40 }], "team-a", 1);
    // Both passed filter against the same state: one whole GPU free.
    for (const pod of [podA, podB]) {
      const f = await h.post("filter", { Pod: pod, NodeNames: ["node-a"] });
      expect(f.json).toMatchObject({ NodeNames: ["node-a"] });
    }
    const [a, b] = await Promise.all([
      h.post("bind", bindArgs("race-a", "node-a")),
      h.post("bind", bindArgs("race-b", "node-a")),
    ]);
    const errors = [a, b].map((r) => (r.json as { Error: string }).Error);
    expect(errors.filter((e) => e === "")).toHaveLength(1);
    const loser = errors.find((e) => e !== "");
    expect(loser).toMatch(/^cannot bind default\/race-[ab] to node-a: /);
    expect(loser).toMatch(/GPU/);
    expect(slow.calls).toHaveLength(1);
    const device1 = h.ledger.node("node-a")?.devices[1];
    expect(device1?.occupants).toHaveLength(1);
    expect(device1?.freeUnits).toBe(0);
    expect(h.ledger.conflicts()).toEqual([]);
  });

  it("answers --standalone binds with an Error saying why", async () => {
    const h = makeHarness({ standalone: true });
    expect(await h.post("bind", bindArgs("llm-0", "node-a"))).toEqual({
      status: 200,
      json: { Error: STANDALONE_BIND_ERROR },
    });
    expect(STANDALONE_BIND_ERROR).toMatch(/^tierfit runs --standalone: .*cannot bind; remove bindVerb/);
  });

  it("decodes the bind body a real kube-scheduler sent", async () => {
    const pod = gpuPod({ name: "bind-gpu-pod", uid: "6abca957-50be-492e-ab47-cf5c8eb92688" });
    const h = makeHarness({ nodes: [gpuNode({ name: "fake-gpu-node-c", tier: null })], apiPods: [pod] });
    const body = JSON.parse(
      (await import("node:fs")).readFileSync("test/fixtures/kube-scheduler-v1.28/bind-request.json", "utf8"),
    );
    expect((await h.post("bind", body)).json).toEqual({ Error: "" });
    expect(h.binds[0].target).toEqual({
      podName: "bind-gpu-pod",
      podNamespace: "default",
      podUid: "6abca957-50be-492e-ab47-cf5c8eb92688",
      resourceVersion: pod.metadata!.resourceVersion,
      node: "fake-gpu-node-c",
    });
    expect(h.binds[0].allocation.devices).toEqual([{ index: 0, units: 40960 * 1000 }]);
  });
});
