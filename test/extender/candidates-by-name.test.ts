/**
 * Names-mode candidates against the ledger itself: whatever order the names come in, and whatever
 * joined, left or changed in between, each name finds what ledger.node() finds, and an unknown
 * name is a failure with a reason.
 */
import { describe, expect, it } from "vitest";
import { AllocationLedger } from "../../src/cluster/ledger.js";
import { candidatesByName, NOT_IN_CACHE_REASON } from "../../src/extender/candidates.js";
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
function expectLedger(request: readonly string[], ledger: AllocationLedger) {
  const c = candidatesByName(request, ledger);
  const known = request.filter((n) => ledger.node(n) !== undefined);
  expect(c.states).toEqual(known.map((n) => ledger.node(n)));
  expect(c.states.every((s, k) => s === ledger.node(known[k]))).toBe(true);
  expect(c.failures.map((f) => [f.node, f.rejection.reason])).toEqual(
    request.filter((n) => ledger.node(n) === undefined).map((n) => [n, NOT_IN_CACHE_REASON]),
  );
  let k = 0;
  expect([...c.positions]).toEqual(request.map((n) => (ledger.node(n) === undefined ? -1 : k++)));
  expect(c.ledgerChanges).toBe(ledger.changes);
}

describe("candidatesByName", () => {
  it("finds what the ledger finds, through random orders, joins, leaves and changes", () => {
    const rnd = mulberry32(5);
    const pool = names(60);
    const ledger = ledgerOf(pool.slice(0, 40));
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
          tier: 1,
          milliCpu: 1,
          memoryBytes: 1,
          devices: [{ index: 0, units: 1 }],
        });
      } else if (r < 0.45) order = [...pool].sort(() => rnd() - 0.5);
      // A run of the current order; sometimes a repeated name.
      const start = Math.floor(rnd() * order.length);
      const request = [...order.slice(start), ...order.slice(0, start)].slice(0, 1 + Math.floor(rnd() * 50));
      if (rnd() < 0.1) request.push(request[0]);
      expectLedger(request, ledger);
    }
  });
});
