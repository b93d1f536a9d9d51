/**
 * The baseline GPU fit reads a ledger node's `freeUnitsDesc` (alike devices) in one comparison
 * instead of walking the devices: over seeded random nodes, fills and pods, both give the same
 * verdict, and nodes with unlike devices carry no such list.
 */
import { describe, expect, it } from "vitest";
import type { NodeState } from "../../../src/cluster/types.js";
import { enoughDevices } from "../../../src/scoring/baselines/filters.js";
import { binpackPolicy } from "../../../src/scoring/baselines/policies.js";
import { allocationFor } from "../../../src/scoring/runner.js";
import { mulberry32 } from "../../support/prng.js";
import { contextFor, ledgerOf, openbNode, openbPod } from "./support.js";

describe("baseline GPU fit", () => {
  it("gives the same verdict from the sorted free list as from the devices", () => {
    const next = mulberry32(11);
    const int = (n: number) => Math.floor(next() * n);
    const ctx = contextFor(binpackPolicy());
    const views = Array.from({ length: 40 }, (_, i) =>
      openbNode(`n${i}`, 96_000, [1, 2, 4, 8][int(4)], ["T4", "V100"][int(2)], [15109, 32768][int(2)]),
    );
    const ledger = ledgerOf(views);
    let fast = 0;
    let checked = 0;
    for (let k = 0; k < 1500; k++) {
      const pod = openbPod(`p${k}`, {
        milliCpu: 100,
        gpuCount: [1, 1, 1, 2, 4, 8][int(6)],
        gpuMilli: [1000, 500, 250, 730, 120][int(5)],
        products: next() < 0.2 ? ["V100"] : [],
      });
      for (const node of ledger.nodes()) {
        if (node.freeUnitsDesc !== undefined) fast++;
        const walked: NodeState = { ...node, freeUnitsDesc: undefined };
        expect(enoughDevices(pod, node, ctx, pod.gpuCount)).toBe(enoughDevices(pod, walked, ctx, pod.gpuCount));
        checked++;
      }
      // Fill the cluster as a run would: the pod lands on the first node that takes it.
      for (const node of ledger.nodes()) {
        const alloc = allocationFor(pod, node, ctx);
        if ("reason" in alloc) continue;
        expect(ledger.assign(alloc)).toBeNull();
        break;
      }
    }
    expect(fast).toBe(checked);
    const free = ledger.nodes().flatMap((n) => n.devices.map((d) => d.freeUnits));
    expect(free.filter((f) => f === 0).length).toBeGreaterThan(20); // the cluster filled up
  });

  it("keeps no sorted free list for a node whose devices differ", () => {
    const mixed = openbNode("mixed", 8000, 2);
    const ledger = ledgerOf([
      { ...mixed, gpus: [mixed.gpus[0], { ...mixed.gpus[1], memoryMiB: 32768 }] },
      openbNode("alike", 8000, 2),
    ]);
    expect(ledger.node("mixed")?.freeUnitsDesc).toBeUndefined();
    expect(ledger.node("mixed")?.alikeGpuMemoryMiB).toBeUndefined();
    expect(ledger.node("alike")?.alikeGpuMemoryMiB).toBe(15109);
    expect(ledger.node("alike")?.freeUnitsDesc).toEqual([15109000, 15109000]);
  });
});
