/**
 * Names-mode candidates against the ledger itself: whatever order the names come in, and whatever
 * joined, left or changed in between, each name finds what ledger.node() finds, and its position
 * (what the verdict memo keeps answers by) holds that very state in the ledger's node array,
 * whatever the node lookup has learned. And when requests list runs of a node order interleaved
 * as kube-scheduler's parallel filter lists them, the lookup predicts most names instead of
 * searching the map, or it would not be worth its keep.
 */
import { describe, expect, it } from "vitest";
import { AllocationLedger } from "../../src/cluster/ledger.js";
import { candidatesByName, NOT_IN_CACHE_REASON } from "../../src/extender/candidates.js";
import { NodeLookup } from "../../src/extender/node-lookup.js";
import { gpu, nodeState } from "../support/core-builders.js";
import { mulberry32 } from "../support/prng.js";

const BASE = nodeState({ name: "base", tier: 1, gpus: [gpu(40960)] }).view;

function ledgerOf(names: readonly string[]): AllocationLedger {
  const ledger = new AllocationLedger();
  for (const name of names) ledger.upsertNode({ ...BASE, name });
  return ledger;
}

const names = (n: number) => Array.from({ length: n }, (_, i) => `node-${(i * 7919) % n}`);

/** What it must answer: the ledger's own state per known name, a failure per unknown one. */
function expectLedger(request: readonly string[], ledger: AllocationLedger, lookup = new NodeLookup()) {
  const c = candidatesByName(request, ledger, lookup);
  const known = request.filter((n) => ledger.node(n) !== undefined);
  expect(c.states).toEqual(known.map((n) => ledger.node(n)));
  expect(c.states.every((s, k) => s === ledger.node(known[k]))).toBe(true);
  expect(c.failures.map((f) => [f.node, f.rejection.reason])).toEqual(
    request.filter((n) => ledger.node(n) === undefined).map((n) => [n, NOT_IN_CACHE_REASON]),
  );
  let k = 0;
  expect([...c.positions]).toEqual(request.map((n) => (ledger.node(n) === undefined ? -1 : k++)));
  const slots = c.slots;
  expect(slots?.at.length).toBe(c.states.length);
  expect(slots?.at.every((slot, i) => slots.order[slot] === c.states[i])).toBe(true);
  expect(c.slots?.order).toBe(ledger.nodes());
  return c;
}

describe("candidatesByName", () => {
  it("finds what the ledger finds, through random orders, joins, leaves and changes", () => {
    const rnd = mulberry32(5);
    const pool = names(60);
    const ledger = ledgerOf(pool.slice(0, 40));
    const lookup = new NodeLookup();
    let order = [...pool];
    for (let step = 0; step < 400; step++) {
      const r = rnd();
      const name = pool[Math.floor(rnd() * pool.length)];
      if (r < 0.1) ledger.upsertNode({ ...BASE, name });
      else if (r < 0.2) ledger.removeNode(name);
      else if (r < 0.35 && ledger.node(name) !== undefined) {
        ledger.assign({
          podKey: `default/p-${step}`,
          node: name,
          tenant: "t",
          sharingTier: 1,
          milliCpu: 1,
          memoryBytes: 1,
          devices: [{ index: 0, units: 1 }],
        });
      } else if (r < 0.45) order = [...pool].sort(() => rnd() - 0.5);
      // Runs of the current order, interleaved as kube-scheduler's sample is; sometimes a
      // repeated name.
      const start = Math.floor(rnd() * order.length);
      const sample = [...order.slice(start), ...order.slice(0, start)].slice(0, 1 + Math.floor(rnd() * 50));
      const request = interleaved(sample, 7, 1 + Math.floor(rnd() * 4), rnd);
      if (rnd() < 0.1) request.push(request[0]);
      expectLedger(request, ledger, lookup);
    }
    expect(lookup.guessed).toBeGreaterThan(0);
  });

  it("predicts most names of runs interleaved as kube-scheduler's 16 filter workers list them", () => {
    const rnd = mulberry32(9);
    // kube's node order is not the ledger's (name order): positions tell nothing by themselves.
    const pool = names(5000).sort(() => rnd() - 0.5);
    const ledger = ledgerOf(pool);
    const lookup = new NodeLookup();
    let start = 0;
    const request = () => {
      const sample = [...pool, ...pool].slice(start, start + 500);
      start = (start + 500) % pool.length;
      return interleaved(sample, 70, 16, rnd);
    };
    // Every node has been in 30 samples: the lookup has learned what follows it in its run.
    for (let i = 0; i < 300; i++) candidatesByName(request(), ledger, lookup);
    const [guessed, searched] = [lookup.guessed, lookup.searched];
    for (let i = 0; i < 20; i++) expectLedger(request(), ledger, lookup);
    const predicted = (lookup.guessed - guessed) / (lookup.guessed - guessed + lookup.searched - searched);
    expect(predicted).toBeGreaterThan(0.85);

    // A node joining moves the ledger's positions; what was learned of the others stays.
    ledger.upsertNode({ ...BASE, name: "node-joined" });
    const [guessedThen, searchedThen] = [lookup.guessed, lookup.searched];
    for (let i = 0; i < 5; i++) expectLedger(request(), ledger, lookup);
    const predictedThen = lookup.guessed - guessedThen;
    expect(predictedThen / (predictedThen + lookup.searched - searchedThen)).toBeGreaterThan(0.85);
  });
});

/** `sample` cut in runs of `chunk`, at most `workers` runs at a time, interleaved name by name. */
function interleaved(sample: readonly string[], chunk: number, workers: number, rnd: () => number): string[] {
  const waiting: string[][] = [];
  for (let at = 0; at < sample.length; at += chunk) waiting.push(sample.slice(at, at + chunk).reverse());
  const running: string[][] = [];
  const out: string[] = [];
  while (out.length < sample.length) {
    while (running.length < workers && waiting.length > 0) running.push(waiting.shift() ?? []);
    const r = Math.floor(rnd() * running.length);
    out.push(running[r].pop() ?? "");
    if (running[r].length === 0) running.splice(r, 1);
  }
  return out;
}
