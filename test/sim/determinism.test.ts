/** A run is a pure function of (scenario, policy, seed): the same spec twice gives the same RunResult. */
import { describe, expect, it } from "vitest";
import type { RunResult } from "../../sim/results.js";
import { runOne } from "../../sim/run-one.js";
import { defaultScenario, loadScenario } from "../../sim/scenario/load.js";
import { resolveScenario } from "../../sim/scenario/resolve.js";
import type { Scenario } from "../../sim/scenario/types.js";

function withoutWall({ wallSeconds: _w, ...rest }: RunResult) {
  return rest;
}

function twice(scenario: Scenario, policy: string, seed: number) {
  const a = runOne({ scenario, policy, seed });
  const b = runOne({ scenario, policy, seed });
  expect(a.wallSeconds).toBeGreaterThanOrEqual(0);
  return [withoutWall(a), withoutWall(b)] as const;
}

const openbSlice = resolveScenario(
  {
    name: "slice",
    description: "hand-made openb slice",
    kind: "openb-fgd",
    policies: ["random", "tierfit"],
    seeds: [1, 2],
    openb: { nodes: "nodes.csv", pods: "pods.csv" },
  },
  { baseDir: "test/fixtures/openb-slice" },
).scenario!;

describe("runOne is deterministic", () => {
  it("for the FGD protocol, the random baseline included", () => {
    const [a, b] = twice(openbSlice, "random", 1);
    expect(a).toEqual(b);
    // …and the seed matters: another seed shuffles the arrivals differently.
    expect(withoutWall(runOne({ scenario: openbSlice, policy: "random", seed: 2 }))).not.toEqual(a);
  });

  it("for a synthetic timed run", () => {
    const mixed = loadScenario("config/scenarios/mixed-tiers.yaml");
    if (mixed.kind !== "synthetic") throw new Error("kind");
    const short: Scenario = { ...mixed, synthetic: { ...mixed.synthetic, durationSeconds: 43_200 } };
    const [a, b] = twice(short, "kube-default", 3);
    expect(a).toEqual(b);
    expect(a.metrics.placedPods).toBeGreaterThan(100);
  });

  it("for an inference run with forecast scaling", () => {
    const s = defaultScenario();
    const [a, b] = twice(s, "tierfit+forecast", 1);
    expect(a).toEqual(b);
    expect(a.series.t.length).toBeGreaterThan(100);
  });
});
