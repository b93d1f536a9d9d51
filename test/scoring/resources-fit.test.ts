import { describe, expect, it } from "vitest";
import type { NodeState, PodRequest } from "../../src/cluster/types.js";
import { makeContext } from "../../src/scoring/context.js";
import { resourcesFit } from "../../src/scoring/signals/resources-fit.js";
import { nodeState, podRequest, testConfig } from "../support/core-builders.js";

const ctx = makeContext(testConfig());

function filter(pod: PodRequest, node: NodeState) {
  const rejection = resourcesFit.filter(pod, node, ctx, null);
  expect(resourcesFit.fits?.(pod, node, ctx, null)).toBe(rejection === null);
  return rejection;
}

describe("resourcesFit filter", () => {
  it("says which resource is short, with kube's wording and the numbers", () => {
    const node = nodeState({ name: "n", cpu: 64, requestedCpu: 61.5 });
    expect(filter(podRequest({ cpu: 4 }), node)).toEqual({
      signal: "resourcesFit",
      reason: "Insufficient cpu: needs 4, 2.5 free of 64",
      unresolvable: false,
    });
  });

  it("lists every shortfall, and is unresolvable when the pod exceeds the whole node", () => {
    const node = nodeState({ name: "n", cpu: 8, memoryGiB: 16, pods: 3, requestedPods: 3, requestedMemoryGiB: 8 });
    expect(filter(podRequest({ cpu: 16, memoryGiB: 12 }), node)).toEqual({
      signal: "resourcesFit",
      reason:
        "Too many pods: 3 of 3 used; Insufficient cpu: needs 16, 8 free of 8; Insufficient memory: needs 12 GiB, 8 GiB free of 16 GiB",
      unresolvable: true,
    });
  });

  it("a resource the pod does not request never fails", () => {
    const full = nodeState({ name: "n", cpu: 4, requestedCpu: 4 });
    expect(filter(podRequest({ cpu: 0 }), full)).toBeNull();
    expect(filter(podRequest({ cpu: 0.001 }), full)).not.toBeNull();
  });
});

describe("resourcesFit score (least allocated)", () => {
  const cases: [requestedCpu: number, requestedGiB: number, podCpu: number, podGiB: number, score: number][] = [
    [0, 0, 16, 64, 7.5],
    [0, 0, 0, 0, 10],
    [32, 128, 16, 64, 2.5],
    [48, 0, 16, 0, 5],
  ];
  for (const [requestedCpu, requestedMemoryGiB, cpu, memoryGiB, score] of cases) {
    it(`node 64 cores/256 GiB with ${requestedCpu}/${requestedMemoryGiB} used, pod ${cpu}/${memoryGiB} → ${score}`, () => {
      const node = nodeState({ name: "n", cpu: 64, memoryGiB: 256, requestedCpu, requestedMemoryGiB });
      expect(resourcesFit.score(podRequest({ cpu, memoryGiB }), node, ctx, null)).toBe(score);
    });
  }
});
