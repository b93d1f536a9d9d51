/**
 * The ledger against a model, through thousands of seeded random operations: every assign is
 * accepted exactly when the model says it fits, nothing is ever over-assigned through assign,
 * rejected assigns change nothing, restore replaces, and released units balance what was taken.
 */
import { describe, expect, it } from "vitest";
import { formatUnits } from "../../src/cluster/gpu-units.js";
import { AllocationLedger } from "../../src/cluster/ledger.js";
import type { Allocation, DeviceAssignment, NodeView } from "../../src/cluster/types.js";
import { mulberry32 } from "../support/prng.js";

const GIB = 1024 * 1000;
const NODE_NAMES = ["n0", "n1", "n2", "n3", "n4", "n5"];
const POD_KEYS = Array.from({ length: 200 }, (_, i) => `ns/p${i}`);

/** mulberry32: a tiny seeded generator, so a failure replays exactly. */
function seeded(seed: number) {
  const next = mulberry32(seed);
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)],
  };
}

function makeView(name: string, gpus: number, memoryMiB: number): NodeView {
  return {
    name,
    labels: {},
    allocatable: { milliCpu: 64_000, memoryBytes: 2 ** 39, pods: 110 },
    gpus: Array.from({ length: gpus }, (_, index) => ({ index, product: "X", memoryMiB })),
    tier: 0,
    tierSource: "default: weakest tier",
    unschedulable: false,
  };
}

const unitsOf = (a: Allocation) => a.devices.reduce((s, d) => s + d.units, 0);

/** Units on each device of `node`, from the model, the slow obvious way. */
function usedByModel(model: Map<string, Allocation>, node: string, device: number): number {
  let used = 0;
  for (const a of model.values())
    if (a.node === node) for (const d of a.devices) if (d.index === device) used += d.units;
  return used;
}

/** What the ledger must show for every known node, derived from the views and the model alone. */
function expectedState(views: Map<string, NodeView>, model: Map<string, Allocation>) {
  const nodes = [...views.values()]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((view) => {
      const onNode = [...model.values()].filter((a) => a.node === view.name);
      return {
        name: view.name,
        requested: {
          milliCpu: onNode.reduce((s, a) => s + a.milliCpu, 0),
          memoryBytes: onNode.reduce((s, a) => s + a.memoryBytes, 0),
          pods: onNode.length,
        },
        devices: view.gpus.map((g, i) => {
          const used = usedByModel(new Map(onNode.map((a) => [a.podKey, a])), view.name, i);
          const capacity = g.memoryMiB * 1000;
          const holders = onNode.filter((a) => a.devices.some((d) => d.index === i)).length;
          return { capacity, free: Math.max(0, capacity - used), used, holders };
        }),
        missing: onNode.flatMap((a) =>
          a.devices
            .filter((d) => d.index >= view.gpus.length)
            .map(
              (d) =>
                `node ${view.name}: pod ${a.podKey} holds device ${d.index}, which the node does not have (it has ${view.gpus.length})`,
            ),
        ),
      };
    });
  const conflicts = nodes.flatMap((n) => [
    ...n.devices.flatMap((d, i) =>
      d.used > d.capacity
        ? [
            `node ${n.name} device ${i}: ${d.holders} pod${d.holders === 1 ? " holds" : "s hold"} ${formatUnits(d.used)} of ${formatUnits(d.capacity)}`,
          ]
        : [],
    ),
    ...n.missing,
  ]);
  return { nodes: nodes.map(({ missing: _, ...n }) => n), conflicts: conflicts.sort() };
}

/** The same facts, read from the ledger. */
function ledgerState(ledger: AllocationLedger) {
  const nodes = ledger.nodes().map((state) => ({
    name: state.view.name,
    requested: state.requested,
    devices: state.devices.map((d) => {
      const used = d.occupants.reduce((s, o) => s + o.units, 0);
      return { capacity: d.capacityUnits, free: d.freeUnits, used, holders: d.occupants.length };
    }),
  }));
  return { nodes, conflicts: [...ledger.conflicts()].sort() };
}

function expectMatchesModel(ledger: AllocationLedger, views: Map<string, NodeView>, model: Map<string, Allocation>) {
  expect(ledgerState(ledger)).toEqual(expectedState(views, model));
  for (const [name, view] of views) expect(ledger.node(name)?.view).toBe(view);
  const recorded = [...ledger.allocations()];
  expect(recorded.length).toBe(model.size);
  expect(recorded.filter((a) => model.get(a.podKey) !== a)).toEqual([]);
}

/**
 * The same views and allocations recorded afresh: every node rebuilt from scratch. Nodes that
 * grew by assign (copied devices only) must equal them, occupants in the same order.
 */
function expectEqualsRebuilt(ledger: AllocationLedger, views: Map<string, NodeView>) {
  const fresh = new AllocationLedger();
  for (const view of views.values()) fresh.upsertNode(view);
  for (const a of ledger.allocations()) fresh.restore(a);
  const strip = (l: AllocationLedger) => l.nodes().map(({ version: _, ...rest }) => rest);
  expect(strip(ledger)).toEqual(strip(fresh));
}

function snapshot(ledger: AllocationLedger) {
  return {
    nodes: ledger.nodes(),
    versions: ledger.nodes().map((n) => n.version),
    allocations: [...ledger.allocations()],
  };
}

describe("AllocationLedger invariants under random operations", () => {
  it.each([1, 2, 3])("seed %i: 2,500 operations keep the ledger equal to the model", (seed) => {
    const rnd = seeded(seed);
    const ledger = new AllocationLedger();
    const views = new Map<string, NodeView>();
    const model = new Map<string, Allocation>();
    let taken = 0;
    let returned = 0;
    const counts = { accepted: 0, rejected: 0, restored: 0, released: 0, removed: 0, conflictsSeen: 0 };

    /** Mostly plausible placements (existing devices, modest sizes), sometimes nonsense to be rejected. */
    const randomDevices = (node: string, maxUnits: number): DeviceAssignment[] => {
      const known = views.get(node)?.gpus.length ?? 8;
      const range = rnd.next() < 0.9 ? known : 9;
      const n = 1 + rnd.int(2);
      const first = rnd.int(range);
      const second = rnd.next() < 0.9 ? (first + 1) % Math.max(1, range) : first;
      return (n === 1 ? [first] : [first, second]).map((index) => ({ index, units: rnd.int(maxUnits) }));
    };
    const randomAlloc = (maxUnits: number): Allocation => {
      const node = rnd.next() < 0.03 ? "ghost" : rnd.pick(NODE_NAMES);
      return {
        podKey: rnd.pick(POD_KEYS),
        node,
        tenant: rnd.pick(["a", "b"]),
        sharingTier: rnd.int(3),
        milliCpu: 100 * rnd.int(40),
        memoryBytes: 2 ** 20 * rnd.int(4096),
        devices: randomDevices(node, maxUnits),
      };
    };

    for (let step = 0; step < 2500; step++) {
      const roll = rnd.next();
      if (roll < 0.08) {
        const name = rnd.pick(NODE_NAMES);
        const v = makeView(name, rnd.pick([2, 4, 8]), rnd.pick([16384, 40960, 81920]));
        views.set(name, v);
        ledger.upsertNode(v);
      } else if (roll < 0.11) {
        const name = rnd.pick(NODE_NAMES);
        views.delete(name);
        ledger.removeNode(name);
        counts.removed++;
      } else if (roll < 0.58) {
        let a = randomAlloc(20 * GIB);
        const target = views.get(a.node)?.gpus[a.devices[0].index];
        if (target && rnd.next() < 0.3) {
          // Probe the boundary: exactly the free units, or one more.
          const free = Math.max(0, target.memoryMiB * 1000 - usedByModel(model, a.node, a.devices[0].index));
          a = { ...a, devices: [{ index: a.devices[0].index, units: free + rnd.int(2) }, ...a.devices.slice(1)] };
        }
        const view = views.get(a.node);
        const indices = a.devices.map((d) => d.index);
        const fits =
          !model.has(a.podKey) &&
          view !== undefined &&
          new Set(indices).size === indices.length &&
          a.devices.every(
            (d) =>
              d.index < view.gpus.length &&
              d.units <= Math.max(0, view.gpus[d.index].memoryMiB * 1000 - usedByModel(model, a.node, d.index)),
          );
        const before = snapshot(ledger);
        const overBefore = view?.gpus.map((g, i) => usedByModel(model, a.node, i) - g.memoryMiB * 1000);
        const rejection = ledger.assign(a);
        expect(rejection === null, `step ${step}: ${rejection?.reason}`).toBe(fits);
        if (rejection) {
          counts.rejected++;
          expect(rejection.reason.length).toBeGreaterThan(10);
          const after = snapshot(ledger);
          expect(after.nodes).toBe(before.nodes);
          expect(after.versions).toEqual(before.versions);
          expect(after.allocations.length).toBe(before.allocations.length);
          expect(after.allocations.filter((a, i) => a !== before.allocations[i])).toEqual([]);
        } else {
          counts.accepted++;
          model.set(a.podKey, a);
          taken += unitsOf(a);
          // No device that was within capacity is pushed past it by assign.
          view!.gpus.forEach((g, i) => {
            if (overBefore![i] <= 0) expect(usedByModel(model, a.node, i)).toBeLessThanOrEqual(g.memoryMiB * 1000);
          });
        }
      } else if (roll < 0.65) {
        // The API server's truth: usually modest, sometimes over-committing a device.
        const a = randomAlloc(rnd.next() < 0.05 ? 90 * GIB : 10 * GIB);
        const previous = model.get(a.podKey);
        if (previous) returned += unitsOf(previous);
        model.delete(a.podKey);
        model.set(a.podKey, a);
        taken += unitsOf(a);
        ledger.restore(a);
        counts.restored++;
      } else {
        const key = rnd.pick(POD_KEYS);
        const expected = model.get(key);
        expect(ledger.release(key)).toBe(expected);
        if (expected) {
          returned += unitsOf(expected);
          model.delete(key);
          counts.released++;
        }
      }
      if (ledger.conflicts().length > 0) counts.conflictsSeen++;
      expectMatchesModel(ledger, views, model);
      if (step % 50 === 0) expectEqualsRebuilt(ledger, views);
    }

    // The run exercised every path.
    expect(counts.accepted).toBeGreaterThan(150);
    expect(counts.rejected).toBeGreaterThan(500);
    expect(counts.restored).toBeGreaterThan(100);
    expect(counts.released).toBeGreaterThan(150);
    expect(counts.removed).toBeGreaterThan(30);
    expect(counts.conflictsSeen).toBeGreaterThan(0);

    // Released units balance what was taken.
    const held = [...model.values()].reduce((s, a) => s + unitsOf(a), 0);
    expect(taken - returned).toBe(held);
    for (const key of POD_KEYS) {
      const a = ledger.release(key);
      if (a) returned += unitsOf(a);
    }
    expect(taken).toBe(returned);
    for (const name of NODE_NAMES) ledger.upsertNode(makeView(name, 8, 81920));
    for (const node of ledger.nodes()) {
      expect(node.devices.every((d) => d.freeUnits === d.capacityUnits && d.occupants.length === 0)).toBe(true);
      expect(node.requested).toEqual({ milliCpu: 0, memoryBytes: 0, pods: 0 });
    }
    expect(ledger.conflicts()).toEqual([]);
  });
});
