/** The shipped fleet scenario has the shape the comparison needs, and a wrong fleet section says what is wrong. */
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../../sim/scenario/load.js";
import { resolveScenario } from "../../../sim/scenario/resolve.js";
import { selectPolicies } from "../../../sim/sweep/selection.js";

describe("config/scenarios/inference-fleet.yaml", () => {
  const s = loadScenario("config/scenarios/inference-fleet.yaml");
  if (s.kind !== "fleet") throw new Error(`expected a fleet scenario, got ${s.kind}`);

  it("is a week of 60+ services of 20+ tenants at every tier on 150+ nodes of two products", () => {
    const { fleet, cluster } = s;
    expect(fleet.services.length).toBeGreaterThanOrEqual(60);
    expect(new Set(fleet.services.map((x) => x.tenant)).size).toBeGreaterThanOrEqual(20);
    expect(new Set(fleet.services.map((x) => x.tier))).toEqual(new Set(s.config.tiers.map((t) => t.name)));
    expect(cluster.nodes.reduce((n, g) => n + g.count, 0)).toBeGreaterThanOrEqual(150);
    expect(new Set(cluster.nodes.map((g) => g.product)).size).toBeGreaterThanOrEqual(2);
    expect(fleet.durationSeconds).toBeGreaterThanOrEqual(7 * 86_400);
    const sizes = fleet.services.map((x) => fleet.profiles[x.profile].paramsBillion);
    expect(Math.min(...sizes)).toBeLessThanOrEqual(8);
    expect(Math.max(...sizes)).toBeGreaterThanOrEqual(70);
    expect(fleet.services.some((x) => fleet.profiles[x.profile].gpusPerReplica > 1)).toBe(true);
    expect(fleet.passthroughTiers).toEqual(["hypervisor"]);
  });

  it("compares the five runs by these names, with tierfit's default config", () => {
    expect(s.policies).toEqual([
      "kube-default+static-peak",
      "kube-default+reactive",
      "tierfit+static-peak",
      "tierfit+reactive",
      "tierfit+forecast",
    ]);
    expect(s.config.scoring).toEqual(loadScenario("config/scenarios/mixed-tiers.yaml").config.scoring);
    expect(selectPolicies("tierfit+forecast,kube-default+reactive", s)).toEqual([
      "tierfit+forecast",
      "kube-default+reactive",
    ]);
    expect(() => selectPolicies("tierfit", s)).toThrow(/needs its replica scaling/);
  });
});

describe("a fleet section with mistakes", () => {
  it("reports each with its path", () => {
    const { problems } = resolveScenario(
      {
        name: "bad",
        description: "wrong on purpose",
        kind: "fleet",
        policies: ["tierfit", "tierfit+elastic"],
        seeds: [1],
        cluster: { nodes: [{ name: "n", count: 1, gpus: 2, product: "NVIDIA-A10", tier: "shared-kernel" }] },
        fleet: {
          durationSeconds: 3600,
          passthroughTiers: ["vm"],
          profiles: {
            huge: {
              paramsBillion: 70,
              kvCacheMiBPerToken: 0.3,
              gpusPerReplica: 4,
              product: "NVIDIA-A10",
              decodeTokensPerSecond: 1000,
              prefillTokensPerSecond: 5000,
              maxConcurrent: 8,
            },
          },
          services: [
            {
              name: "x",
              profile: "nope",
              tenant: "t",
              tier: "shared-kernel",
              trace: "steady-1rps.csv",
              meanRequestsPerSecond: 1,
            },
            { name: "x", profile: "huge", tenant: "t", tier: "gold", trace: "missing.csv", meanRequestsPerSecond: 1 },
          ],
        },
      },
      { baseDir: "test/fixtures/fleet" },
    );
    const text = problems.map((p) => `${p.path.join(".")}: ${p.message}`);
    expect(text).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^policies\.0: "tierfit" needs its replica scaling/),
        expect.stringMatching(/^policies\.1: unknown scaling "elastic" \(static-peak, reactive or forecast\)/),
        expect.stringMatching(/^fleet\.passthroughTiers\.0: names tier "vm"/),
        expect.stringMatching(
          /^fleet\.profiles\.huge\.gpusPerReplica: a replica spans 4 GPUs but no NVIDIA-A10 node has that many/,
        ),
        expect.stringMatching(
          /^fleet\.profiles\.huge\.paramsBillion: weights of 33379 MiB per GPU leave no room .* 23028 MiB/,
        ),
        expect.stringMatching(/^fleet\.services\.0\.profile: names profile "nope", which is not defined \(huge\)/),
        expect.stringMatching(/^fleet\.services\.1\.name: service x is listed twice/),
        expect.stringMatching(/^fleet\.services\.1\.tier: names tier "gold"/),
        expect.stringMatching(/^fleet\.services\.1\.trace: no such file/),
      ]),
    );
  });
});
