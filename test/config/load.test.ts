import { describe, expect, it } from "vitest";
import { defaultConfig, loadConfig, parseConfig } from "../../src/config/load.js";
import { ConfigError } from "../../src/config/problems.js";
import { configSchema } from "../../src/config/schema.js";
import { TierfitError } from "../../src/errors.js";

/** The problems a text produces, one formatted line each (empty when it is valid). */
function problemsOf(text: string): readonly string[] {
  try {
    parseConfig(text, "test.yaml");
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe("defaults", () => {
  it("the schema's defaults are the whole default config, tiers included", () => {
    const config = configSchema.parse({});
    expect(config.tiers.map((t) => t.name)).toEqual(["shared-kernel", "sandboxed", "hypervisor"]);
    // No default tier shares GPU memory across tenants: Kata's NVIDIA runtimes pass GPUs through whole.
    expect(config.tiers.map((t) => t.shareDevicesAcrossTenants)).toEqual([false, false, false]);
    expect(config.tiers.map((t) => t.gpuSharing)).toEqual(["shared", "shared", "mig"]);
    expect(config.tiers[1].runtimeClasses).toEqual(["gvisor", "runsc", "gvisor-*"]);
    expect(config.tiers[2].runtimeClasses).toEqual(["kata", "kata-*", "edera"]);
    expect(config.gpu.passthrough.runtimeClasses).toEqual(["kata-qemu-nvidia-gpu", "kata-qemu-nvidia-gpu-*"]);
    expect(config.gpu.passthrough.resourceName).toBe("nvidia.com/pgpu");
    expect(config.scoring.weights).toEqual({
      gpuMemory: 3,
      isolationTier: 2,
      liveDemand: 2,
      fragmentation: 2,
      resourcesFit: 1,
      stranding: 0,
      consolidation: 0,
    });
    expect(config.scoring.combine).toBe("ranked");
    expect(config.scoring.ranked.map((l) => l.signal)).toEqual([
      "isolationTier",
      "liveDemand",
      "stranding",
      "consolidation",
      "gpuMemory",
      "fragmentation",
    ]);
    expect(config.workloadClasses.default.gpuPacking).toBe("fill");
    expect(defaultConfig()).toEqual(config);
    expect(loadConfig()).toEqual(config);
  });

  it("knows the memory GPU Feature Discovery reports for common products and the trace's models", () => {
    const mem = defaultConfig().gpu.productMemoryMiB;
    expect(mem["NVIDIA-A100-SXM4-80GB"]).toBe(81920);
    expect(mem["NVIDIA-H100-80GB-HBM3"]).toBe(81559);
    expect(mem["NVIDIA-L4"]).toBe(23034);
    expect(mem["Tesla-T4"]).toBe(15360);
    expect([mem.P100, mem.T4, mem.V100M16, mem.V100M32, mem.A10]).toEqual([16280, 15360, 16160, 32510, 23028]);
  });

  it("hands out deep-frozen configs that do not share state", () => {
    const a = defaultConfig();
    expect(Object.isFrozen(a.tiers[0].runtimeClasses)).toBe(true);
    expect(() => (a.tiers as unknown as unknown[]).push({})).toThrow();
    expect(configSchema.parse({}).tiers[0].runtimeClasses).toEqual(["runc"]);
  });
});

describe("parseConfig", () => {
  it("keeps the default of every weight left out", () => {
    const config = parseConfig("scoring:\n  weights:\n    liveDemand: 5\n", "partial.yaml");
    expect(config.scoring.weights).toEqual({
      gpuMemory: 3,
      isolationTier: 2,
      liveDemand: 5,
      fragmentation: 2,
      resourcesFit: 1,
      stranding: 0,
      consolidation: 0,
    });
    expect(config.tiers).toHaveLength(3);
  });

  it("lists every problem at once, each with its path, what was expected, what was found and its line", () => {
    const text = [
      "tiers:", // 1
      "  - name: shared-kernel", // 2
      "    runtimeClasses: [runc]", // 3
      "  - name: hypervisor", // 4
      "    runtimeClasses: [kata]", // 5
      "  - name: hypervisor", // 6
      '    shareDevicesAcrossTenants: "yes"', // 7
      "tierSources:", // 8
      "  runtimeLabels:", // 9
      "    - label: katacontainers.io/kata-runtime", // 10
      "      tier: vm", // 11
      "scoring:", // 12
      "  weights:", // 13
      "    gpuMemory: high", // 14
      "    liveDemand: 500", // 15
      "demand:", // 16
      "  staleAfterSecs: 30", // 17
      "  onStale: ignore", // 18
      "bogusKey: 1", // 19
    ].join("\n");
    expect(problemsOf(text)).toEqual([
      'test.yaml:6: tiers[2].name: duplicate tier name "hypervisor" (also tiers[1])',
      'test.yaml:7: tiers[2].shareDevicesAcrossTenants: expected true or false, found "yes"',
      'test.yaml:11: tierSources.runtimeLabels[0].tier: expected one of the tiers "shared-kernel", "hypervisor", found "vm"',
      'test.yaml:14: scoring.weights.gpuMemory: expected a number from 0 to 100, found "high"',
      "test.yaml:15: scoring.weights.liveDemand: expected a number from 0 to 100, found 500",
      'test.yaml:17: demand.staleAfterSecs: unknown key (did you mean "staleAfterSeconds"?)',
      'test.yaml:18: demand.onStale: expected one of "neutral", "minimum", "reject", found "ignore"',
      "test.yaml:19: bogusKey: unknown key",
    ]);
  });

  it("throws a ConfigError (exit code 3) whose message holds one problem per line", () => {
    const err = (() => {
      try {
        parseConfig("scoring:\n  weights:\n    gpuMemory: -1\nbogus: true\n", "c.yaml");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toBeInstanceOf(TierfitError);
    const e = err as ConfigError;
    expect(e.code).toBe("TF_ERR_CONFIG");
    expect(e.exitCode).toBe(3);
    expect(e.message.split("\n")).toEqual([
      "c.yaml is not a valid tierfit config (2 problems):",
      "  c.yaml:3: scoring.weights.gpuMemory: expected a number from 0 to 100, found -1",
      "  c.yaml:4: bogus: unknown key",
    ]);
  });

  it.each([
    [
      "fragmentation:\n  typicalPods: []\n",
      "test.yaml:2: fragmentation.typicalPods: expected a list of at least 1 item, found an empty list",
    ],
    [
      "fragmentation:\n  typicalPods:\n    - { gpuCount: 1.5, weight: 1 }\n",
      "test.yaml:3: fragmentation.typicalPods[0].gpuCount: expected an integer from 0 to 64, found 1.5",
    ],
    [
      "demand:\n  targetUtilisation: 0\n",
      "test.yaml:2: demand.targetUtilisation: expected a number above 0 and at most 1, found 0",
    ],
    [
      "gpu:\n  productMemoryMiB:\n    Tesla-T4: 0\n",
      'test.yaml:3: gpu.productMemoryMiB["Tesla-T4"]: expected an integer above 0, found 0',
    ],
    ["scoring:\n  expression: 7\n", "test.yaml:2: scoring.expression: expected a non-empty string or null, found 7"],
    [
      "tiers:\n  - name: Strong_Tier\n",
      'test.yaml:2: tiers[0].name: expected a lower-case DNS-style name, found "Strong_Tier"',
    ],
    ["tiers:\n  - runtimeClasses: [runc]\n", "test.yaml:2: tiers[0].name: expected a string, found nothing"],
    [
      "workloadClasses:\n  batch: { gpuPacking: binpack }\n",
      "test.yaml:2: workloadClasses: must define the class `default`",
    ],
    [
      "workloadClasses:\n  default: { gpuPacking: binpack }\n  Fast_Lane: { gpuPacking: spread }\n",
      'test.yaml:3: workloadClasses.Fast_Lane: expected the key to be a lower-case DNS-style name, found "Fast_Lane"',
    ],
  ])("explains %j", (text, problem) => {
    expect(problemsOf(text)).toEqual([problem]);
  });

  it("reports malformed YAML with its line and column", () => {
    expect(problemsOf("scoring: [1,\n")).toEqual([expect.stringMatching(/^test\.yaml:2:1: YAML syntax error: .+/)]);
    expect(problemsOf("demand: onStale: reject\n")).toEqual([
      "test.yaml:1:9: YAML syntax error: Nested mappings are not allowed in compact mappings",
    ]);
    expect(problemsOf("demand: {}\ndemand: {}\n")).toEqual([
      "test.yaml:2:1: YAML syntax error: Map keys must be unique",
    ]);
  });

  it("refuses an empty file instead of silently using the defaults", () => {
    for (const text of ["", "\n  \n", "# just a comment\n"]) {
      expect(problemsOf(text)).toEqual([
        "test.yaml: the file is empty; delete it to use the defaults or write a config",
      ]);
    }
  });

  it("refuses a top level that is not a mapping", () => {
    expect(problemsOf("- tiers\n- scoring\n")).toEqual([
      "test.yaml:1: expected a mapping of config sections, found a list of 2",
    ]);
    expect(problemsOf("hello\n")).toEqual(['test.yaml:1: expected a mapping of config sections, found "hello"']);
  });
});

describe("cross-field rules", () => {
  it("tier references must name a defined tier", () => {
    const text = "tierSources:\n  runtimeLabels:\n    - { label: a, tier: sandboxed }\n    - { label: b, tier: vm }\n";
    expect(problemsOf(text)).toEqual([
      'test.yaml:4: tierSources.runtimeLabels[1].tier: expected one of the tiers "shared-kernel", "sandboxed", "hypervisor", found "vm"',
    ]);
  });

  it("only a tier with gpuSharing shared may share GPU memory across tenants", () => {
    const text = "tiers:\n  - name: a\n  - name: b\n    gpuSharing: mig\n    shareDevicesAcrossTenants: true\n";
    expect(problemsOf(text)).toEqual([
      'test.yaml:5: tiers[1].shareDevicesAcrossTenants: only a tier with gpuSharing "shared" can share GPU memory across tenants; this tier\'s gpuSharing is "mig"',
    ]);
    expect(problemsOf("tiers:\n  - name: a\n    gpuSharing: passthrough\n")[0]).toContain("tiers[0].gpuSharing");
  });

  it("a runtime class may belong to one tier only", () => {
    const text = "tiers:\n  - name: a\n    runtimeClasses: [runc]\n  - name: b\n    runtimeClasses: [kata, runc]\n";
    expect(problemsOf(text)).toEqual([
      'test.yaml:5: tiers[1].runtimeClasses[1]: runtime class "runc" is already mapped to tier "a"',
    ]);
  });

  it("all-zero weights are refused unless an expression replaces them", () => {
    const zeros =
      "  combine: weighted\n  weights: { gpuMemory: 0, isolationTier: 0, liveDemand: 0, fragmentation: 0, resourcesFit: 0 }\n";
    expect(problemsOf(`scoring:\n${zeros}`)).toEqual([
      "test.yaml:3: scoring.weights: expected at least one weight above 0 (or a scoring.expression), found all 0: every node would score the same",
    ]);
    expect(problemsOf(`scoring:\n${zeros}  expression: "gpuMemory"\n`)).toEqual([]);
    // The ranked combination does not read the weights.
    expect(problemsOf(`scoring:\n${zeros.replace("weighted", "ranked")}`)).toEqual([]);
  });

  it("ranked levels: each signal once, exact scores only on the last level, a bounded number of ranks", () => {
    const levels = (...l: string[]) => `scoring:\n  ranked:\n${l.map((x) => `    - ${x}\n`).join("")}`;
    expect(problemsOf(levels("{ signal: stranding, step: 2 }", "{ signal: gpuMemory, step: 0 }"))).toEqual([]);
    expect(problemsOf(levels("{ signal: gpuMemory, step: 0 }", "{ signal: stranding, step: 2 }"))).toEqual([
      "test.yaml:3: scoring.ranked[0].step: expected a step above 0: only the last level may compare exact scores (step 0)",
    ]);
    expect(problemsOf(levels("{ signal: stranding, step: 2 }", "{ signal: stranding, step: 1 }"))).toEqual([
      'test.yaml:4: scoring.ranked[1].signal: "stranding" is already level 0',
    ]);
    // 10 levels of steps 0.01 would be 1001^10 ranks, beyond what one double keeps apart.
    const fine = Array.from(
      { length: 10 },
      (_, i) =>
        `{ signal: ${["gpuMemory", "isolationTier", "liveDemand", "fragmentation", "resourcesFit", "stranding", "consolidation"][i % 7]}, step: 0.01 }`,
    );
    expect(problemsOf(levels(...fine)).some((p) => p.includes("scoring.ranked: expected at most"))).toBe(true);
  });

  it("the score expression must compile", () => {
    const problems = problemsOf('scoring:\n  expression: "gpuMemory +"\n');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^test\.yaml:2: scoring\.expression: \S/);
    expect(problemsOf('scoring:\n  expression: "0.5 * gpuMemory + 0.5 * liveDemand"\n')).toEqual([]);
  });

  const ZEROS =
    "gpuMemory=0, isolationTier=0, liveDemand=0, fragmentation=0, resourcesFit=0, stranding=0, consolidation=0";
  it.each([
    ["min()", `fails with ${ZEROS}: Too few arguments in function min (expected: any, index: 0)`],
    [
      "round(gpuMemory, 100)",
      `fails with ${ZEROS}: Number of decimals in function round must be an integer from 0 to 15 inclusive`,
    ],
    ["gpuMemory / liveDemand", `gives NaN with ${ZEROS}; a score must be a finite number`],
    ["1 / gpuMemory", `gives Infinity with ${ZEROS}; a score must be a finite number`],
    ["log(fragmentation)", `gives -Infinity with ${ZEROS}; a score must be a finite number`],
    [
      "isolationTier > 5 ? 1 / liveDemand : 1",
      "gives Infinity with gpuMemory=0, isolationTier=10, liveDemand=0, fragmentation=10, resourcesFit=0, stranding=10, consolidation=0; a score must be a finite number",
    ],
    [
      "gpuMemory < 10 ? 1 : pow(10, 400)",
      "gives Infinity with gpuMemory=10, isolationTier=10, liveDemand=10, fragmentation=10, resourcesFit=10, stranding=10, consolidation=10; a score must be a finite number",
    ],
  ])("the score expression %s must give a finite number on sample signals", (expr, message) => {
    expect(problemsOf(`scoring:\n  expression: "${expr}"\n`)).toEqual([`test.yaml:2: scoring.expression: ${message}`]);
  });

  it("an expression finite on every sample passes", () => {
    expect(
      problemsOf('scoring:\n  expression: "min(gpuMemory, 5) + round(liveDemand / 3, 1) + sqrt(fragmentation)"\n'),
    ).toEqual([]);
  });
});

describe("loadConfig", () => {
  it("names a missing file as an input error (exit code 2)", () => {
    expect(() => loadConfig("does/not/exist.yaml")).toThrow(
      expect.objectContaining({
        code: "TF_ERR_INPUT",
        message: "cannot read config file does/not/exist.yaml: no such file",
      }),
    );
  });
});
