/** Scenario files: the shipped ones load, bad ones fail with every problem, its line and its path. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { POLICY_NAMES } from "../../../sim/runs/policies.js";
import { defaultScenario, loadScenario, parseScenario } from "../../../sim/scenario/load.js";
import { ScenarioError } from "../../../sim/scenario/scenario-error.js";
import { TierfitError } from "../../../src/errors.js";

const DIR = resolve("config/scenarios");

function problemsOf(text: string, source = "bad.yaml", baseDir = DIR): string[] {
  try {
    parseScenario(text, source, baseDir);
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    expect(err).toBeInstanceOf(TierfitError);
    return [...(err as ScenarioError).problems];
  }
  throw new Error("the scenario was accepted");
}

const MINIMAL_INFERENCE = `
name: tiny
description: one service
kind: inference
policies: [tierfit]
seeds: [1]
cluster:
  nodes:
    - { name: g, count: 1, gpus: 8, tier: shared-kernel }
inference:
  durationSeconds: 3600
  services:
    - name: chat
      trace: data/azure-llm-inference/AzureLLMInferenceTrace_conv.csv
      meanRequestsPerSecond: 1
      tier: shared-kernel
      tenant: team
      profile: { weightsMiB: 15000, kvCacheMiBPerToken: 0.125, maxTokensPerSecondPerGpu: 2500, maxConcurrentPerReplica: 64 }
`;

describe("loading scenarios", () => {
  it("loads the shipped inference and synthetic scenarios with data paths made absolute", () => {
    const diurnal = loadScenario("config/scenarios/inference-diurnal.yaml");
    expect(diurnal.kind).toBe("inference");
    expect(diurnal.policies).toEqual([
      "kube-default+static-peak",
      "kube-default+forecast",
      "tierfit+static-peak",
      "tierfit+forecast",
    ]);
    if (diurnal.kind !== "inference") throw new Error("kind");
    expect(diurnal.inference.services[0].trace).toBe(
      join(DIR, "data/azure-llm-inference/AzureLLMInferenceTrace_conv.csv"),
    );
    expect(diurnal.config.tiers.map((t) => t.name)).toEqual(["shared-kernel", "sandboxed", "hypervisor"]);
    const mixed = loadScenario("config/scenarios/mixed-tiers.yaml");
    expect(mixed.kind).toBe("synthetic");
    expect(mixed.seeds).toEqual([1, 2, 3]);
  });

  it("gives every inference policy its scaling, the scenario's default where none is written", () => {
    const s = parseScenario(MINIMAL_INFERENCE.replace("[tierfit]", "[tierfit, kube-default+forecast]"), "x.yaml", DIR);
    expect(s.policies).toEqual(["tierfit+static-peak", "kube-default+forecast"]);
  });

  it("builds the embedded default, with every path inside the package", () => {
    const s = defaultScenario();
    expect(s.kind).toBe("inference");
    expect(s.policies.length).toBeGreaterThanOrEqual(2);
    if (s.kind !== "inference") throw new Error("kind");
    for (const svc of s.inference.services) expect(svc.trace.startsWith(DIR)).toBe(true);
  });

  it("resolves a relative config file against the scenario's folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "tierfit-scenario-"));
    writeFileSync(join(dir, "tiers.yaml"), "tiers:\n  - name: only\n");
    writeFileSync(
      join(dir, "s.yaml"),
      MINIMAL_INFERENCE.replaceAll("shared-kernel", "only")
        .replace("data/azure", `${DIR}/data/azure`)
        .concat("config: tiers.yaml\n"),
    );
    const s = loadScenario(join(dir, "s.yaml"));
    expect(s.config.tiers.map((t) => t.name)).toEqual(["only"]);
  });

  it("reports a missing file as a TierfitError", () => {
    expect(() => loadScenario("config/scenarios/nope.yaml")).toThrow(
      /cannot read scenario file .*nope\.yaml: no such file/,
    );
  });
});

describe("scenario problems", () => {
  it("lists every schema problem with its line and path", () => {
    const problems = problemsOf(
      MINIMAL_INFERENCE.replace("seeds: [1]", "seeds: [1, -2]")
        .replace("durationSeconds: 3600", "durationSeconds: 0")
        .replace("tenant: team", "tenant: team\n      colour: blue"),
    );
    expect(problems).toEqual([
      "bad.yaml:6: seeds[1]: expected an integer of at least 0, found -2",
      "bad.yaml:11: inference.durationSeconds: expected a number above 0, found 0",
      expect.stringMatching(/^bad\.yaml:18: inference\.services\[0\]\.colour: unknown key/),
    ]);
  });

  it("names unknown policies and tiers, missing data and misplaced sections", () => {
    const problems = problemsOf(
      MINIMAL_INFERENCE.replace("[tierfit]", "[tierfit+sometimes, best-guess]")
        .replace("tier: shared-kernel }", "tier: vm }")
        .replace("AzureLLMInferenceTrace_conv.csv", "missing.csv")
        .concat("fgd: { inflation: 1 }\n"),
    );
    expect(problems).toEqual([
      'bad.yaml:5: policies[0]: unknown scaling "sometimes" (static-peak or forecast)',
      `bad.yaml:5: policies[1]: unknown policy "best-guess" (policies: ${POLICY_NAMES.join(", ")})`,
      'bad.yaml:9: cluster.nodes[0].tier: names tier "vm", which is not configured (tiers: shared-kernel, sandboxed, hypervisor)',
      `bad.yaml:14: inference.services[0].trace: no such file: ${join(DIR, "data/azure-llm-inference/missing.csv")}`,
      'bad.yaml:19: fgd: a scenario of kind inference has no "fgd" section (it uses cluster, inference)',
    ]);
  });

  it("requires the kind's sections and rejects scaling outside inference", () => {
    const problems = problemsOf("name: x\ndescription: y\nkind: synthetic\npolicies: [tierfit+forecast]\nseeds: [1]\n");
    expect(problems).toEqual([
      'bad.yaml:1: a scenario of kind synthetic needs a "cluster" section',
      'bad.yaml:1: a scenario of kind synthetic needs a "synthetic" section',
      'bad.yaml:4: policies[0]: "+forecast" (replica scaling) applies to inference and fleet scenarios only',
    ]);
  });

  it("checks an inline config with the config's own rules", () => {
    const problems = problemsOf(`${MINIMAL_INFERENCE}config:\n  demand: { onStale: sometimes }\n`);
    expect(problems).toEqual([
      'bad.yaml:20: config.demand.onStale: expected one of "neutral", "minimum", "reject", found "sometimes"',
    ]);
  });

  it("rejects a service whose weights leave no room on the GPUs it may use", () => {
    const problems = problemsOf(MINIMAL_INFERENCE.replace("weightsMiB: 15000", "weightsMiB: 90000"));
    expect(problems).toEqual([
      "bad.yaml:18: inference.services[0].profile.weightsMiB: weights of 90000 MiB leave no room for KV cache on a 81920 MiB GPU",
    ]);
  });

  it("reports YAML syntax errors with their line", () => {
    expect(problemsOf("name: [unclosed\n")[0]).toMatch(/^bad\.yaml:\d+(:\d+)?: YAML syntax error/);
  });
});
