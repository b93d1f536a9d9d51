/**
 * Forms that exist for speed must give what the plain forms give: the random signal's one-pass
 * winner is the node its per-node draws rank first, and device choice's shortcut for nodes that hold one tenant's
 * pods (no occupant read) decides exactly as reading every occupant does.
 */
import { describe, expect, it } from "vitest";
import type { NodeState } from "../../src/cluster/types.js";
import { randomSignal } from "../../src/scoring/baselines/random.js";
import { makeContext } from "../../src/scoring/context.js";
import { chooseDevices } from "../../src/scoring/device-choice.js";
import { deviceOpenToPod } from "../../src/scoring/tenancy.js";
import { gpu, nodeState, podRequest, testConfig } from "../support/core-builders.js";

describe("random signal, one-pass winner", () => {
  const signal = randomSignal(42);
  const ctx = makeContext(testConfig());

  /** The winner by the plain form: score() of every passing node, highest first, then name. */
  function plainBest(pod: ReturnType<typeof podRequest>, nodes: readonly NodeState[], verdicts: Float64Array) {
    const pre = signal.preScore(pod, ctx);
    let best = -1;
    nodes.forEach((node, i) => {
      if (verdicts[i] < 0) return;
      const score = signal.score(pod, node, ctx, pre);
      const bestScore = best < 0 ? -1 : signal.score(pod, nodes[best], ctx, pre);
      if (score > bestScore || (score === bestScore && node.view.name < nodes[best].view.name)) best = i;
    });
    return best;
  }

  it("names the node score() ranks first among those that pass, in any node order", () => {
    const nodes = Array.from({ length: 50 }, (_, i) => nodeState({ name: `node-${i}` }));
    const verdicts = Float64Array.from(nodes, (_, i) => (i % 4 === 0 ? -1 : 0));
    const reversed = [...nodes].reverse();
    const reversedVerdicts = verdicts.slice().reverse();
    const winners = new Set<string>();
    for (let k = 0; k < 200; k++) {
      const pod = podRequest({ name: `p${k}` });
      const pre = signal.preScore(pod, ctx);
      // Layouts 1 and 2 alternate: a new layout number means names may have moved.
      const best = signal.bestEach?.(pod, nodes, verdicts, ctx, pre, 1) ?? -2;
      expect(best).toBe(plainBest(pod, nodes, verdicts));
      expect(verdicts[best]).toBe(0);
      // The same node from a reversed array under another layout: re-hashed, not read stale.
      expect(reversed[signal.bestEach?.(pod, reversed, reversedVerdicts, ctx, pre, 2) ?? -2]).toBe(nodes[best]);
      winners.add(nodes[best].view.name);
    }
    expect(winners.size).toBeGreaterThan(25); // the draws really differ per pod
  });

  it("is -1 when no node passes", () => {
    const nodes = [nodeState({ name: "a" }), nodeState({ name: "b" })];
    const pod = podRequest({ name: "x" });
    expect(signal.bestEach?.(pod, nodes, Float64Array.of(-1, -1), ctx, signal.preScore(pod, ctx), 3)).toBe(-1);
  });
});

describe("device choice on nodes held by one tenant", () => {
  const ctx = makeContext(testConfig());
  const A100 = 81920;
  /** Four A100s, each half held by the given occupant. */
  const node = (occupant: { tenant?: string; podKey?: string; sharingTier?: number }): NodeState =>
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
    ["other tenant, both at a sharing tier", node({ tenant: "other", sharingTier: 2 }), pod("ns", "acme", 2), true],
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
