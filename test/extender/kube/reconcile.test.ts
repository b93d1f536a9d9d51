/** The relist reconciliation and the retry backoff: pure functions, tested as tables. */
import { describe, expect, it } from "vitest";
import { backoffDelayMs } from "../../../src/extender/kube/backoff.js";
import { reconcile, vanishedNodes } from "../../../src/extender/kube/reconcile.js";

const TTL = 120_000;
const NOW = 1_000_000;

describe("reconcile", () => {
  const cases: {
    name: string;
    held: string[];
    listed: string[];
    reservations: [string, number][];
    expected: { restore: string[]; release: string[]; confirm: string[]; expire: string[] };
  }[] = [
    {
      name: "pods the list still has are restored, the rest released",
      held: ["ml/a", "ml/b", "ml/c"],
      listed: ["ml/c", "ml/a", "ml/d"],
      reservations: [],
      expected: { restore: ["ml/a", "ml/c", "ml/d"], release: ["ml/b"], confirm: [], expire: [] },
    },
    {
      name: "a fresh reservation missing from the list is kept",
      held: ["ml/a", "ml/r"],
      listed: ["ml/a"],
      reservations: [["ml/r", NOW - 5_000]],
      expected: { restore: ["ml/a"], release: [], confirm: [], expire: [] },
    },
    {
      name: "a reservation past its TTL is expired and released",
      held: ["ml/r"],
      listed: [],
      reservations: [["ml/r", NOW - TTL]],
      expected: { restore: [], release: ["ml/r"], confirm: [], expire: ["ml/r"] },
    },
    {
      name: "a reservation the list shows bound is confirmed and restored, never released",
      held: ["ml/r"],
      listed: ["ml/r"],
      reservations: [["ml/r", NOW - TTL * 10]],
      expected: { restore: ["ml/r"], release: [], confirm: ["ml/r"], expire: [] },
    },
    {
      name: "a reservation whose assignment was already dropped only expires",
      held: [],
      listed: [],
      reservations: [["ml/r", NOW - TTL - 1]],
      expected: { restore: [], release: [], confirm: [], expire: ["ml/r"] },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const actions = reconcile({
        held: c.held,
        listed: new Set(c.listed),
        reservations: new Map(c.reservations),
        now: NOW,
        reservationTtlMs: TTL,
      });
      expect(actions).toEqual(c.expected);
    });
  }

  it("vanishedNodes lists the known nodes a relist no longer has", () => {
    expect(vanishedNodes(["gpu-b", "gpu-a", "cpu-1"], new Set(["gpu-a"]))).toEqual(["cpu-1", "gpu-b"]);
  });
});

describe("backoffDelayMs", () => {
  const policy = { initialMs: 500, maxMs: 30_000 };
  it.each([
    [0, 0, 250],
    [0, 1, 500],
    [1, 0, 500],
    [3, 0.5, 3_000],
    [5, 1, 16_000],
    [6, 0, 15_000],
    [6, 1, 30_000],
    [50, 0.5, 22_500],
  ])("attempt %i with random %f waits %i ms", (attempt, random, expected) => {
    expect(backoffDelayMs(policy, attempt, random)).toBe(expected);
  });
});
