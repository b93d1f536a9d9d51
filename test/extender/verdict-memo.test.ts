/**
 * The extender's verdict memo against the core itself: whatever it answers from memory must be
 * what decide() answers now, after node changes, config reloads, new demand snapshots and the
 * clock crossing a staleness or forecast boundary; and it must actually answer from memory when
 * nothing changed (hit counts), or it would not be worth its keep.
 */
import { describe, expect, it } from "vitest";
import { AllocationLedger } from "../../src/cluster/ledger.js";
import type { NodeState, PodRequest } from "../../src/cluster/types.js";
import { candidatesByName, type Slots } from "../../src/extender/candidates.js";
import { VerdictMemo } from "../../src/extender/verdict-memo.js";
import { policyByName } from "../../src/scoring/baselines/registry.js";
import { makeContext } from "../../src/scoring/context.js";
import { type DemandSnapshot, EMPTY_DEMAND } from "../../src/scoring/demand-snapshot.js";
import { decide } from "../../src/scoring/runner.js";
import type { ScoringContext } from "../../src/scoring/types.js";
import {
  demandSnapshot,
  GiB,
  gpu,
  modelDemand,
  nodeState,
  nodeTelemetry,
  podRequest,
  testConfig,
} from "../support/core-builders.js";
import { mulberry32 } from "../support/prng.js";

const NOW = 1_700_000_000_000;
const CONFIG = testConfig({ demand: { staleAfterSeconds: 60 } });

function ctxAt(now = NOW, demand: DemandSnapshot = EMPTY_DEMAND, config = CONFIG): ScoringContext {
  return makeContext(config, { demand, now });
}

/** The memo's answer must be decide()'s, node by node, and the winner too. */
function expectDecide(
  memo: VerdictMemo,
  pod: PodRequest,
  states: readonly NodeState[],
  ctx: ScoringContext,
  slots: Slots | null = null,
) {
  const j = memo.judge(pod, states, ctx, slots);
  const d = decide(pod, states, ctx);
  const verdicts = j.verdicts.map((v) => ({ rejection: v.rejection, rawScore: v.rawScore, score: v.score }));
  expect(verdicts).toEqual(d.nodes.map((n) => ({ rejection: n.rejection, rawScore: n.rawScore, score: n.score })));
  expect(j.winner).toBe(d.winner);
  expect(j.passed).toBe(d.nodes.filter((n) => n.passed).length);
  return j;
}

/** Misses of one call. */
function missesOf(memo: VerdictMemo, call: () => unknown): number {
  const before = memo.misses;
  call();
  return memo.misses - before;
}

const CLUSTER: NodeState[] = [
  nodeState({ name: "a100-free", tier: 1, gpus: [gpu(40960), gpu(40960)] }),
  nodeState({ name: "a100-half", tier: 1, gpus: [gpu(40960, { occupants: [{ milli: 500, tenant: "team-b" }] })] }),
  nodeState({ name: "a100-full", tier: 2, gpus: [gpu(40960, { occupants: [{ tenant: "team-b" }] })] }),
  nodeState({ name: "t4-weak", tier: 0, gpus: [gpu(15360, { product: "Tesla-T4" }), gpu(15360)] }),
  nodeState({ name: "h100", tier: 2, gpus: [gpu(81920), gpu(81920, { occupants: [{ mib: 20480, sharingTier: 2 }] })] }),
  nodeState({ name: "cpu-only", tier: 0, cpu: 8, requestedCpu: 7 }),
  nodeState({ name: "pods-full", tier: 1, gpus: [gpu(40960)], pods: 3, requestedPods: 3 }),
];

const PODS: PodRequest[] = [
  podRequest({ name: "whole", gpuCount: 1, tier: 1, tenant: "team-a" }),
  podRequest({ name: "share", gpuCount: 1, gpuMiB: 10240, tenant: "team-a" }),
  podRequest({ name: "two", gpuCount: 2, gpuMiB: 20480, tier: 1, tenant: "team-b" }),
  podRequest({ name: "vm", gpuCount: 1, gpuMilli: 250, tier: 2, tenant: "team-c" }),
  podRequest({ name: "cpu", cpu: 4, memoryGiB: 8 }),
];

describe("VerdictMemo answers as decide() does", () => {
  it("the first time, and from memory for any pod of the same shape", () => {
    const memo = new VerdictMemo();
    for (const pod of PODS) expectDecide(memo, pod, CLUSTER, ctxAt());
    const before = memo.hits;
    for (const pod of PODS) {
      // Another replica: another name and uid, the same shape.
      const replica = { ...pod, name: `${pod.name}-2`, key: `default/${pod.name}-2`, uid: `${pod.uid}-2` };
      expect(missesOf(memo, () => expectDecide(memo, replica, CLUSTER, ctxAt(NOW + 5000)))).toBe(0);
    }
    expect(memo.hits - before).toBe(PODS.length * CLUSTER.length);
  });

  it("keeps apart pods whose rejections would read differently (the tier's source is quoted)", () => {
    const memo = new VerdictMemo();
    const byLabel = podRequest({ gpuCount: 1, tier: 2, tierSource: "annotation tierfit.io/isolation-tier=hypervisor" });
    const byRuntime = { ...byLabel, tierSource: "runtimeClassName kata" };
    const a = expectDecide(memo, byLabel, CLUSTER, ctxAt());
    const b = expectDecide(memo, byRuntime, CLUSTER, ctxAt());
    expect(a.verdicts[0].rejection?.reason).toContain("annotation tierfit.io/isolation-tier=hypervisor");
    expect(b.verdicts[0].rejection?.reason).toContain("runtimeClassName kata");
  });

  it("keeps apart pods of one shape that differ in the tier they run at, or in taking GPUs exclusively", () => {
    // One hypervisor GPU: team-b's hypervisor pod holds 10 GiB; team-a's own pod holds 10 GiB of another.
    const node = nodeState({
      name: "vm",
      tier: 2,
      gpus: [
        gpu(40960, { occupants: [{ podKey: "team-b/x", tenant: "team-b", sharingTier: 2, mib: 10240 }] }),
        gpu(40960, { occupants: [{ podKey: "team-a/y", tenant: "team-a", sharingTier: 2, mib: 10240 }] }),
      ],
    });
    const memo = new VerdictMemo();
    const shape = { gpuCount: 2, gpuMiB: 10240, tenant: "team-a", tier: 2, tierSource: "the same" } as const;
    // Runs in a hypervisor RuntimeClass: takes a share of both GPUs. The same request, annotated
    // hypervisor but running at the weakest tier, must not be handed that answer.
    expect(expectDecide(memo, podRequest({ ...shape, sharingTier: 2 }), [node], ctxAt()).passed).toBe(1);
    const annotated = expectDecide(memo, podRequest({ ...shape, sharingTier: 0 }), [node], ctxAt());
    expect(annotated.verdicts[0].rejection?.signal).toBe("isolationTier");
    // Nor may a passthrough pod of that shape, which needs GPUs no pod holds, even its own tenant's.
    const passthrough = { ...podRequest({ ...shape, sharingTier: 2 }), exclusive: true };
    expect(expectDecide(memo, passthrough, [node], ctxAt()).verdicts[0].rejection?.reason).toContain(
      "GPU passthrough: shared with no other pod",
    );
  });

  it("judges a changed node again (a new state with a new version), and only that node", () => {
    const memo = new VerdictMemo();
    const pod = PODS[0];
    const ledger = new AllocationLedger();
    for (const s of CLUSTER) ledger.upsertNode(s.view);
    const states = () => CLUSTER.map((s) => ledger.node(s.view.name)!);
    const first = expectDecide(memo, pod, states(), ctxAt());
    expect(first.verdicts[0].rejection).toBeNull();
    const rejection = ledger.assign({
      podKey: "default/filler",
      node: "a100-free",
      tenant: "team-b",
      sharingTier: 1,
      milliCpu: 1000,
      memoryBytes: GiB,
      devices: [
        { index: 0, units: 40960 * 1000 },
        { index: 1, units: 40960 * 1000 },
      ],
    });
    expect(rejection).toBeNull();
    let after: ReturnType<typeof expectDecide> | undefined;
    expect(missesOf(memo, () => (after = expectDecide(memo, pod, states(), ctxAt())))).toBe(1);
    expect(after?.verdicts[0].rejection?.signal).toBe("gpuMemory");
  });

  it("tells two states of one node apart by version, even with the same view", () => {
    const memo = new VerdictMemo();
    const pod = PODS[0];
    const free = nodeState({ name: "n", tier: 1, gpus: [gpu(40960)], version: 7 });
    const taken: NodeState = {
      ...free,
      devices: [
        {
          ...free.devices[0],
          freeUnits: 0,
          occupants: [{ podKey: "x/y", tenant: "team-b", sharingTier: 1, units: 1 }],
        },
      ],
      version: 8,
    };
    expect(expectDecide(memo, pod, [free], ctxAt()).verdicts[0].rejection).toBeNull();
    expect(expectDecide(memo, pod, [taken], ctxAt()).verdicts[0].rejection?.signal).toBe("gpuMemory");
    expect(expectDecide(memo, pod, [free], ctxAt()).verdicts[0].rejection).toBeNull();
  });

  it("starts over on a config reload", () => {
    const memo = new VerdictMemo();
    const pod = PODS[3];
    const renamed = testConfig({
      tiers: [
        { name: "runc", runtimeClasses: ["runc"], shareDevicesAcrossTenants: false },
        { name: "gvisor", runtimeClasses: ["gvisor"], shareDevicesAcrossTenants: false },
        { name: "kata", runtimeClasses: ["kata"], shareDevicesAcrossTenants: true },
      ],
      scoring: { combine: "weighted", weights: { fragmentation: 0, isolationTier: 10 } },
    });
    const before = expectDecide(memo, pod, CLUSTER, ctxAt());
    let after: ReturnType<typeof expectDecide> | undefined;
    expect(missesOf(memo, () => (after = expectDecide(memo, pod, CLUSTER, ctxAt(NOW, EMPTY_DEMAND, renamed))))).toBe(
      CLUSTER.length,
    );
    expect(after?.verdicts[0].rejection?.reason).toContain("needs tier kata");
    expect(before.verdicts[0].rejection?.reason).toContain("needs tier hypervisor");
    expect(after?.verdicts[4].rawScore).not.toBe(before.verdicts[4].rawScore);
  });
});

describe("VerdictMemo and live demand", () => {
  const pod = podRequest({ gpuCount: 1, gpuMiB: 10240, tier: 1, tenant: "team-a" });
  const nodes = CLUSTER.slice(0, 2);
  const busy = (ts: number) => nodeTelemetry("a100-free", [0.97, 0.97], ts);
  const idle = nodeTelemetry("a100-half", [0.1], NOW - 1000);

  it("judges again the nodes whose telemetry a new snapshot changed, and only those", () => {
    const memo = new VerdictMemo();
    const first = demandSnapshot(NOW, [nodeTelemetry("a100-free", [0.1, 0.1], NOW - 1000), idle]);
    const a = expectDecide(memo, pod, nodes, ctxAt(NOW, first));
    const second = demandSnapshot(NOW, [busy(NOW - 500), idle]);
    let b: ReturnType<typeof expectDecide> | undefined;
    expect(missesOf(memo, () => (b = expectDecide(memo, pod, nodes, ctxAt(NOW, second))))).toBe(1);
    expect(b?.verdicts[0].rawScore).toBeLessThan(a.verdicts[0].rawScore);
    expect(b?.verdicts[1]).toBe(a.verdicts[1]);
  });

  it("judges again when the clock makes telemetry stale, to the millisecond", () => {
    const memo = new VerdictMemo();
    const ts = NOW - 59_000;
    const snapshot = demandSnapshot(NOW, [busy(ts), idle]);
    const fresh = expectDecide(memo, pod, nodes, ctxAt(ts + 60_000, snapshot));
    // Still fresh on the boundary itself: answered from memory.
    expect(missesOf(memo, () => expectDecide(memo, pod, nodes, ctxAt(ts + 60_000, snapshot)))).toBe(0);
    let stale: ReturnType<typeof expectDecide> | undefined;
    expect(missesOf(memo, () => (stale = expectDecide(memo, pod, nodes, ctxAt(ts + 60_001, snapshot))))).toBe(1);
    // Busy but fresh scores low; stale data is neutral (demand.onStale: neutral).
    expect(stale?.verdicts[0].rawScore).toBeGreaterThan(fresh.verdicts[0].rawScore);
  });

  it("quotes the current age in a stale-data rejection (demand.onStale: reject)", () => {
    const memo = new VerdictMemo();
    const config = testConfig({ demand: { staleAfterSeconds: 60, onStale: "reject" } });
    const snapshot = demandSnapshot(NOW, [busy(NOW - 120_000), idle]);
    const a = expectDecide(memo, pod, nodes, ctxAt(NOW, snapshot, config));
    const b = expectDecide(memo, pod, nodes, ctxAt(NOW + 1000, snapshot, config));
    expect(a.verdicts[0].rejection?.reason).toMatch(/^live GPU data is 120 s old/);
    expect(b.verdicts[0].rejection?.reason).toMatch(/^live GPU data is 121 s old/);
  });

  it("judges again when the pod's model forecast passes its horizon", () => {
    const memo = new VerdictMemo();
    const llama = { ...pod, model: "llama" };
    // 0.3 of a GPU per replica on top of 0.6: over the target only while the forecast holds.
    const forecast = modelDemand("llama", 0.6, 2, NOW - 1000);
    const horizonEnd = NOW - 1000 + forecast.forecast!.horizonSeconds * 1000;
    // Telemetry sampled late enough to be fresh at both clock values.
    const snapshot = demandSnapshot(NOW, [nodeTelemetry("a100-free", [0.6, 0.6], horizonEnd - 1000), idle], [forecast]);
    const within = expectDecide(memo, llama, nodes, ctxAt(NOW, snapshot));
    const beyond = expectDecide(memo, llama, nodes, ctxAt(horizonEnd + 1, snapshot));
    expect(beyond.verdicts[0].rawScore).toBeGreaterThan(within.verdicts[0].rawScore);
  });
});

describe("VerdictMemo bounds", () => {
  it("forgets the least recently used shapes beyond its capacity", () => {
    // Each shape costs its answers plus one for the row: 7 + 1 = 8; room for two.
    const memo = new VerdictMemo(16);
    const [a, b, c] = PODS;
    expect(missesOf(memo, () => memo.judge(a, CLUSTER, ctxAt()))).toBe(CLUSTER.length);
    expect(missesOf(memo, () => memo.judge(b, CLUSTER, ctxAt()))).toBe(CLUSTER.length);
    expect(missesOf(memo, () => memo.judge(a, CLUSTER, ctxAt()))).toBe(0);
    // c pushes out the least recently used, b; a stays.
    expect(missesOf(memo, () => memo.judge(c, CLUSTER, ctxAt()))).toBe(CLUSTER.length);
    expect(missesOf(memo, () => memo.judge(a, CLUSTER, ctxAt()))).toBe(0);
    expect(missesOf(memo, () => memo.judge(b, CLUSTER, ctxAt()))).toBe(CLUSTER.length);
  });

  it("asks decide() every time under a policy whose scores vary per pod", () => {
    const memo = new VerdictMemo();
    const policy = policyByName("random", CONFIG, { seed: 3 });
    const ctx = makeContext(CONFIG, { now: NOW, policy });
    for (const pod of PODS) expectDecide(memo, pod, CLUSTER, ctx);
    expect(memo.hits + memo.misses).toBe(0);
  });
});

describe("VerdictMemo by position in the ledger's node array (names mode)", () => {
  /** A ledger of CLUSTER's nodes under other names, so a few of each kind. */
  function ledgerOf(copies: number): AllocationLedger {
    const ledger = new AllocationLedger();
    for (let c = 0; c < copies; c++) {
      for (const s of CLUSTER) ledger.upsertNode({ ...s.view, name: `${s.view.name}-${c}` });
    }
    return ledger;
  }

  it("answers as decide() through placements, releases, joins and leaves", () => {
    const rnd = mulberry32(11);
    const memo = new VerdictMemo();
    const ledger = ledgerOf(4);
    const placed: string[] = [];
    for (let step = 0; step < 300; step++) {
      const r = rnd();
      const names = ledger.nodes().map((n) => n.view.name);
      const name = names[Math.floor(rnd() * names.length)];
      if (r < 0.15) {
        const state = ledger.node(name)!;
        const device = state.devices[0];
        if (device !== undefined && device.freeUnits > 0) {
          const podKey = `default/p-${step}`;
          ledger.assign({
            podKey,
            node: name,
            tenant: "team-b",
            sharingTier: state.view.tier,
            milliCpu: 100,
            memoryBytes: GiB,
            devices: [{ index: 0, units: Math.ceil(device.freeUnits / 2) }],
          });
          placed.push(podKey);
        }
      } else if (r < 0.2 && placed.length > 0) {
        ledger.release(placed.splice(Math.floor(rnd() * placed.length), 1)[0]);
      } else if (r < 0.22) {
        const view = ledger.node(name)!.view;
        ledger.removeNode(name);
        if (rnd() < 0.7) ledger.upsertNode(view);
      }
      // A request of a random run of nodes, sometimes with a name tierfit does not know.
      const all = ledger.nodes().map((n) => n.view.name);
      const start = Math.floor(rnd() * all.length);
      const request = [...all.slice(start, start + 12), ...(rnd() < 0.2 ? ["unknown-node"] : [])];
      const c = candidatesByName(request, ledger);
      const pod = PODS[Math.floor(rnd() * PODS.length)];
      expectDecide(memo, pod, c.states, ctxAt(), c.slots);
    }
    expect(memo.hits).toBeGreaterThan(memo.misses);
  });

  it("judges again only the node whose state changed", () => {
    const memo = new VerdictMemo();
    const ledger = ledgerOf(2);
    const names = ledger.nodes().map((n) => n.view.name);
    const pod = PODS[0];
    const judge = () => {
      const c = candidatesByName(names, ledger);
      return missesOf(memo, () => expectDecide(memo, pod, c.states, ctxAt(), c.slots));
    };
    expect(judge()).toBe(names.length);
    expect(judge()).toBe(0);
    ledger.assign({
      podKey: "default/filler",
      node: "a100-free-1",
      tenant: "team-b",
      sharingTier: 1,
      milliCpu: 1000,
      memoryBytes: GiB,
      devices: [{ index: 0, units: 40960 * 1000 }],
    });
    expect(judge()).toBe(1);
    // A node joining builds a new node array: every position may mean another node now, so the
    // same names are judged again although none of them changed.
    ledger.upsertNode({ ...CLUSTER[0].view, name: "a100-free-new" });
    expect(judge()).toBe(names.length);
  });
});
