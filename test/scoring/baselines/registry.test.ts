import { describe, expect, it } from "vitest";
import { TierfitError } from "../../../src/errors.js";
import {
  describePolicies,
  POLICY_DESCRIPTIONS,
  POLICY_NAMES,
  policyByName,
} from "../../../src/scoring/baselines/registry.js";
import { config } from "./support.js";

describe("policy registry", () => {
  it("knows the nine policies, each with a one-line description", () => {
    expect([...POLICY_NAMES]).toEqual([
      "kube-default",
      "binpack",
      "random",
      "dotprod",
      "gpu-clustering",
      "gpu-packing",
      "bestfit",
      "fgd",
      "tierfit",
    ]);
    for (const name of POLICY_NAMES) {
      expect(POLICY_DESCRIPTIONS[name].length).toBeGreaterThan(10);
      expect(POLICY_DESCRIPTIONS[name]).not.toContain("\n");
    }
    expect(describePolicies().split("\n")).toHaveLength(9);
    expect(describePolicies()).toContain("  gpu-clustering  FGD paper baseline: keeps pods of one GPU shape together");
  });

  it("builds each by name: a fresh object per call, baselines tenant-agnostic, tierfit isolating", () => {
    for (const name of POLICY_NAMES) {
      const policy = policyByName(name, config, { seed: 42 });
      expect(policy.name).toBe(name);
      expect(policyByName(name, config, { seed: 42 })).not.toBe(policy);
      expect(policy.enforceIsolation !== false).toBe(name === "tierfit");
      // Baselines know nothing of tiers: no isolationTier signal.
      expect(policy.signals.some((s) => s.name === "isolationTier")).toBe(name === "tierfit");
    }
  });

  it("rejects an unknown name with the known ones listed", () => {
    expect(() => policyByName("fdg", config, { seed: 1 })).toThrow(TierfitError);
    expect(() => policyByName("fdg", config, { seed: 1 })).toThrow(
      'unknown policy "fdg"; known policies: kube-default, binpack, random, dotprod, gpu-clustering, gpu-packing, bestfit, fgd, tierfit',
    );
  });
});
