import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../../sim/scenario/load.js";
import type { Scenario } from "../../../sim/scenario/types.js";
import { selectPolicies, selectSeeds } from "../../../sim/sweep/selection.js";

const tiny = loadScenario(fileURLToPath(new URL("./fixtures/tiny-synthetic.yaml", import.meta.url)));

describe("--seeds", () => {
  it("keeps the scenario's seeds when absent", () => {
    expect(selectSeeds(undefined, [42, 43])).toEqual([42, 43]);
  });

  it("takes the first N of the scenario's seeds, or 1..N when it lists fewer", () => {
    expect(selectSeeds("2", [42, 43, 44])).toEqual([42, 43]);
    expect(selectSeeds("3", [42, 43, 44])).toEqual([42, 43, 44]);
    expect(selectSeeds("4", [42, 43, 44])).toEqual([1, 2, 3, 4]);
  });

  it("takes a comma-separated list as the seeds themselves (a trailing comma for one)", () => {
    expect(selectSeeds("7, 9", [42])).toEqual([7, 9]);
    expect(selectSeeds("42,", [1, 2])).toEqual([42]);
  });

  it.each([
    ["0", /seed count must be at least 1/],
    ["-3", /"-3" is not a whole number/],
    ["1.5", /"1.5" is not a whole number/],
    ["x,2", /"x" is not a whole number/],
    ["1,,2", /no empty items/],
    ["3,3", /seed 3 listed twice/],
  ])("rejects %s", (text, message) => {
    expect(() => selectSeeds(text, [1])).toThrow(message);
  });
});

describe("--policies", () => {
  it("keeps the scenario's policies when absent, and takes a subset or another known policy", () => {
    expect(selectPolicies(undefined, tiny)).toEqual(["kube-default", "tierfit"]);
    expect(selectPolicies("tierfit", tiny)).toEqual(["tierfit"]);
    expect(selectPolicies(" tierfit , kube-default ", tiny)).toEqual(["tierfit", "kube-default"]);
  });

  it("names unknown policies and lists the known ones", () => {
    expect(() => selectPolicies("tierfit,nope,bogus", tiny)).toThrow(
      /unknown policy "nope", "bogus" \(known policies: kube-default, .*tierfit/,
    );
  });

  it("accepts +scaling only for inference scenarios, defaulting it to the scenario's", () => {
    expect(() => selectPolicies("tierfit+forecast", tiny)).toThrow(/applies to inference and fleet scenarios only/);
    const inference = { ...tiny, kind: "inference", inference: { scaling: "forecast" } } as unknown as Scenario;
    expect(selectPolicies("tierfit,kube-default+static-peak", inference)).toEqual([
      "tierfit+forecast",
      "kube-default+static-peak",
    ]);
    expect(() => selectPolicies("tierfit+sometimes", inference)).toThrow(/unknown scaling "sometimes"/);
    expect(() => selectPolicies("tierfit,tierfit+forecast", inference)).toThrow(/tierfit\+forecast listed twice/);
  });
});
