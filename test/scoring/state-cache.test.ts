/**
 * The per-node cache answers only for the very state it was given: a later snapshot of the node,
 * or a snapshot from another ledger with the same view and version, is a miss, never a stale hit.
 */
import { describe, expect, it } from "vitest";
import { AllocationLedger } from "../../src/cluster/ledger.js";
import { LatestStateCache } from "../../src/scoring/state-cache.js";
import { gpu, nodeState } from "../support/core-builders.js";

describe("LatestStateCache", () => {
  it("hits for the same state object only", () => {
    const cache = new LatestStateCache<number>();
    const a = nodeState({ name: "n", gpus: [gpu(40960)], version: 3 });
    expect(cache.get(a)).toBeUndefined();
    cache.set(a, 7);
    expect(cache.get(a)).toBe(7);
    const later = { ...a, version: 4 };
    expect(cache.get(later)).toBeUndefined();
    cache.set(later, 9);
    expect(cache.get(later)).toBe(9);
    expect(cache.get(a)).toBeUndefined(); // one entry per node: the older state was replaced
  });

  it("keeps two ledgers' states of one view apart, even at equal versions", () => {
    const view = nodeState({ name: "n", gpus: [gpu(40960)] }).view;
    const first = new AllocationLedger();
    const second = new AllocationLedger();
    first.upsertNode(view);
    second.upsertNode(view);
    const [x, y] = [first.node("n")!, second.node("n")!];
    expect(x.version).toBe(y.version);
    const cache = new LatestStateCache<string>();
    cache.set(x, "first");
    expect(cache.get(y)).toBeUndefined();
  });
});
