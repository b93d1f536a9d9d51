/**
 * Forms that exist for speed must give what the plain forms give: the random signal's batch
 * draws equal its per-node draws, and device choice's shortcut for nodes that hold one tenant's
 * pods (no occupant read) decides exactly as reading every occupant does.
 */
import { describe, expect, it } from "vitest";
import type { NodeState } from "../../src/cluster/types.js";
import { randomSignal } from "../../src/scoring/baselines/random.js";
import { makeContext } from "../../src/scoring/context.js";
import { chooseDevices } from "../../src/scoring/device-choice.js";
import { deviceOpenToPod } from "../../src/scoring/tenancy.js";
import { gpu, nodeState, podRequest, testConfig } from "../support/core-builders.js";

describe("random signal, batch form", () => {
  it("scores every passing node as score() does, and leaves failing ones alone", () => {
    const signal = randomSignal(42);
    const ctx = makeContext(testConfig());
    const nodes = Array.from({ length: 50 }, (_, i) => nodeState({ name: `node-${i}` }));
    const verdicts = Float64Array.from(nodes, (_, i) => (i % 4 === 0 ? -1 : 0));
    for (const name of ["a", "b", "c"]) {
      const pod = podRequest({ name });
      const pre = signal.preScore(pod, ctx);
      // Two signals' worth of room, this one at offset 1: the layout the runner uses.
      const out = new Float64Array(nodes.length * 2).fill(-7);
      signal.scoreEach?.(pod, nodes, verdicts, ctx, pre, out, 1, 2);
      nodes.forEach((node, i) => {
        expect(out[i * 2]).toBe(-7);
        expect(out[i * 2 + 1]).toBe(verdicts[i] < 0 ? -7 : signal.score(pod, node, ctx, pre));
      });
    }
    // A node array in another order is re-hashed by position, not read from stale positions.
    const reversed = [...nodes].reverse();
    const pod = podRequest({ name: "d" });
    const pre = signal.preScore(pod, ctx);
    const out = new Float64Array(nodes.length);
    signal.scoreEach?.(pod, reversed, new Float64Array(nodes.length), ctx, pre, out, 0, 1);
    reversed.forEach((node, i) => {
      expect(out[i]).toBe(signal.score(pod, node, ctx, pre));
    });
  });
});

describe("device choice on nodes held by one tenant", () => {
  const ctx = makeContext(testConfig());
  const A100 = 81920;
  /** Four A100s, each half held by the given occupant. */
  const node = (occupant: { tenant?: string; podKey?: string; tier?: number }): NodeState =>
    nodeState({
      name: "n",
      gpus: Array.from({ length: 4 }, () => gpu(A100, { occupants: [{ milli: 500, ...occupant }] })),
    });
  const pod = (namespace: string, tenant: string, tier = 0) =>
    podRequest({ namespace, tenant, tier, gpuCount: 2, gpuMilli: 400 });

  it.each([
    ["same tenant", node({ tenant: "acme" }), pod("ns", "acme"), true],
    ["other tenant", node({ tenant: "other" }), pod("ns", "acme"), false],
    ["occupant without tenant, same namespace", node({ tenant: "", podKey: "acme/x" }), pod("acme", ""), true],
    ["occupant without tenant, other namespace", node({ tenant: "", podKey: "other/x" }), pod("acme", ""), false],
    ["other tenant, both at a sharing tier", node({ tenant: "other", tier: 2 }), pod("ns", "acme", 2), true],
  ])("%s", (_what, n, p, open) => {
    // The plain rule, device by device, is the reference.
    expect(n.devices.every((d) => deviceOpenToPod(p, d, ctx.config.tiers))).toBe(open);
    const chosen = chooseDevices(p, n, ctx);
    if (open)
      expect(chosen).toEqual([
        { index: 0, units: 400 * A100 },
        { index: 1, units: 400 * A100 },
      ]);
    else expect(chosen).toMatchObject({ signal: "isolationTier" });
  });
});
