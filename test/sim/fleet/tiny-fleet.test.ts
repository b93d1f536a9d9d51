/**
 * Fleet runs small enough to work out by hand: a replica's memory against its load, a cold start
 * (node provisioning, then startup and weights at the stated bandwidth) as requests lost, and the
 * GPU-hours of a two-service fleet.
 *
 * The profile: 1 B parameters in fp16 = 2e9 B = 1,907.35 MiB of weights; 0.5 MiB of KV cache
 * per token; prefill 10,000 and decode 1,000 tokens/s; 10 requests at once. The trace is a
 * steady 1 request/s of 1,000 prompt and 100 generated tokens, so a request costs
 * 1000/10000 + 100/1000 = 0.2 s of compute (5 requests/s per replica), stays in flight
 * 0.1 + 100 × 10/1000 = 1.1 s and holds (1000 + 100) × 0.5 = 550 MiB of KV cache. A pod
 * reserves weights + a full batch: ceil(1,907.35 + 10 × 550) = 7,408 MiB of a 10,000 MiB GPU.
 */
import { describe, expect, it } from "vitest";
import { poolNodeViews } from "../../../sim/cluster/node-pool.js";
import { Kernel } from "../../../sim/engine/kernel.js";
import { StepIntegral } from "../../../sim/metrics/step-integral.js";
import type { RunResult } from "../../../sim/results.js";
import { runOne } from "../../../sim/run-one.js";
import { FleetNodes } from "../../../sim/runs/fleet/fleet-nodes.js";
import { coldStartSeconds, prepareFleet, replicaPod } from "../../../sim/runs/fleet/prepare.js";
import {
  neededGpus,
  replicaCapacityRps,
  replicaMemoryPerGpuMiB,
  reservedPerGpuMiB,
  weightsMiB,
} from "../../../sim/runs/fleet/serving-model.js";
import type { FleetProfile } from "../../../sim/scenario/fleet-schema.js";
import { loadScenario } from "../../../sim/scenario/load.js";
import { resolveScenario } from "../../../sim/scenario/resolve.js";
import type { FleetScenario, Scenario } from "../../../sim/scenario/types.js";
import { makeContext } from "../../../src/scoring/context.js";

const profile: FleetProfile = {
  paramsBillion: 1,
  bytesPerParam: 2,
  kvCacheMiBPerToken: 0.5,
  gpusPerReplica: 1,
  product: "NVIDIA-A10",
  decodeTokensPerSecond: 1000,
  prefillTokensPerSecond: 10_000,
  maxConcurrent: 10,
  cpu: 4,
  memoryGiB: 16,
};
const WEIGHTS = 2e9 / 2 ** 20; // 1,907.3486328125 MiB
const shape = { contextTokens: 1000, generatedTokens: 100 };

function tinyFleet(fleet: Record<string, unknown>, policies: string[]): Scenario {
  const { scenario, problems } = resolveScenario(
    {
      name: "tiny-fleet",
      description: "two services, two nodes of two GPUs",
      kind: "fleet",
      policies,
      seeds: [1],
      cluster: {
        nodes: [{ name: "n", count: 2, gpus: 2, product: "NVIDIA-A10", gpuMemoryMiB: 10_000, tier: "shared-kernel" }],
      },
      fleet: {
        binSeconds: 60,
        tickSeconds: 15,
        sampleSeconds: 600,
        nodes: { provisioningSeconds: 60, drainSeconds: 120 },
        coldStart: { bandwidthMiBPerSecond: 100, startupSeconds: 30 },
        profiles: { small: profile },
        services: [
          {
            name: "a",
            profile: "small",
            tenant: "team-a",
            tier: "shared-kernel",
            trace: "steady-1rps.csv",
            meanRequestsPerSecond: 1,
            diurnal: { amplitude: 0, peakHour: 12 },
          },
          {
            name: "b",
            profile: "small",
            tenant: "team-b",
            tier: "shared-kernel",
            trace: "steady-1rps.csv",
            meanRequestsPerSecond: 1,
            diurnal: { amplitude: 0, peakHour: 12 },
          },
        ],
        ...fleet,
      },
    },
    { baseDir: "test/fixtures/fleet" },
  );
  expect(problems).toEqual([]);
  return scenario!;
}

function run(scenario: Scenario, policy: string): RunResult {
  return runOne({ scenario, policy, seed: 1 });
}

describe("a replica's memory follows its load", () => {
  it("holds its weights plus the KV cache of the requests in flight, never more than it reserved", () => {
    expect(weightsMiB(profile)).toBeCloseTo(WEIGHTS, 9);
    const reserved = reservedPerGpuMiB(profile, 10_000, shape, false);
    expect(reserved).toBe(7408);
    // Idle: the weights alone. 1 rps: 1.1 requests in flight × 550 MiB. 5 rps: 5.5 in flight.
    expect(replicaMemoryPerGpuMiB(profile, reserved, shape, 0)).toBeCloseTo(WEIGHTS, 9);
    expect(replicaMemoryPerGpuMiB(profile, reserved, shape, 1)).toBeCloseTo(WEIGHTS + 605, 9);
    expect(replicaMemoryPerGpuMiB(profile, reserved, shape, 5)).toBeCloseTo(WEIGHTS + 3025, 9);
    // 20 rps would put 22 in flight; the batch of 10 fills 1,907.35 + 5,500 MiB, within the 7,408 reserved.
    expect(replicaMemoryPerGpuMiB(profile, reserved, shape, 20)).toBeCloseTo(WEIGHTS + 5500, 9);
    // Longer requests (1,900 + 100 tokens = 1,000 MiB each): the reservation bounds it, 5.5 requests fit.
    const long = { contextTokens: 1900, generatedTokens: 100 };
    expect(replicaMemoryPerGpuMiB(profile, reserved, long, 20)).toBeCloseTo(7408, 9);
    // Split over two GPUs with tensor parallelism: half on each.
    const tp2 = { ...profile, gpusPerReplica: 2 };
    expect(replicaMemoryPerGpuMiB(tp2, 7408, shape, 1)).toBeCloseTo((WEIGHTS + 605) / 2, 9);
    // Kata passthrough: the whole device is the pod's.
    expect(reservedPerGpuMiB(profile, 10_000, shape, true)).toBe(10_000);
  });

  it("serves what compute and its memory allow", () => {
    // Compute: 1 / 0.2 s = 5 rps. Memory: 10 in flight / 1.1 s = 9.09 rps. The smaller wins.
    expect(replicaCapacityRps(profile, 7408, shape)).toBeCloseTo(5, 9);
    // A reservation of 1,907.35 + 2 × 550 MiB holds 2 in flight: 2 / 1.1 = 1.818 rps.
    expect(replicaCapacityRps(profile, WEIGHTS + 1100, shape)).toBeCloseTo(2 / 1.1, 9);
    // The load needs 0.2 GPU of compute, or (1,907.35 + 605) / 10,000 = 0.2512 of a GPU's memory.
    expect(neededGpus(profile, 10_000, shape, 1)).toBeCloseTo((WEIGHTS + 605) / 10_000, 9);
  });
});

describe("a tiny fleet", () => {
  it("loses the requests of a cold start: node provisioning, then startup and weights at the stated bandwidth", () => {
    const s = tinyFleet({ warmupSeconds: 0, durationSeconds: 600 }, ["tierfit+static-peak"]);
    // Both replicas start at t = 0 on a node that takes 60 s, then load for 30 + 1,907.35 / 100 = 49.07 s.
    const cold = coldStartSeconds(profile, { bandwidthMiBPerSecond: 100, startupSeconds: 30 });
    expect(cold).toBeCloseTo(30 + WEIGHTS / 100, 9);
    const m = run(s, "tierfit+static-peak").metrics;
    expect(m.coldStarts).toBe(2);
    // Each service misses 1 rps × (60 + 49.07) s of its 600 requests.
    expect(m.unservedRequests).toBeCloseTo(2 * (60 + cold), 6);
    expect(m.sloViolationFraction).toBeCloseTo((60 + cold) / 600, 9);
  });

  it("provisions the GPU-hours worked out by hand", () => {
    const s = tinyFleet({ warmupSeconds: 3600, durationSeconds: 7200 }, ["tierfit+static-peak", "tierfit+reactive"]);
    for (const policy of ["tierfit+static-peak", "tierfit+reactive"]) {
      const m = run(s, policy).metrics;
      // One replica each (1 rps against 5 per replica; the HPA's 1 / (0.7 × 5) = 0.29 rounds up
      // to its minimum of 1). Tenants may not share a GPU, but the second replica fits on the
      // powered node's other GPU: one node of 2 GPUs for the 2 measured hours = 4 GPU-hours.
      expect(m.gpuHoursProvisioned, policy).toBeCloseTo(4, 9);
      expect(m.peakGpusProvisioned, policy).toBe(2);
      // Used: each service needs 0.2512 of a GPU (its memory) for 2 hours.
      expect(m.gpuHoursUsed, policy).toBeCloseTo((2 * 2 * (WEIGHTS + 605)) / 10_000, 9);
      expect(m.sloViolationFraction, policy).toBe(0);
      expect(m.isolationViolations, policy).toBe(0);
      expect(m.coldStarts, policy).toBe(0); // both loaded during the warm-up
    }
  });

  it("keeps a node powered from its request until the drain delay after its last replica left", () => {
    const s = tinyFleet({ warmupSeconds: 0, durationSeconds: 3600 }, ["tierfit+static-peak"]) as FleetScenario;
    const kernel = new Kernel();
    const views = poolNodeViews(s.cluster.nodes, s.config);
    const timing = { provisioningSeconds: 60, drainSeconds: 120 };
    const nodes = new FleetNodes(views, makeContext(s.config, { now: 0 }), timing, kernel);
    const plans = prepareFleet(s, 1);
    const powered = new StepIntegral(0);
    kernel.observe((_t, _p, k) => powered.set(k.now, nodes.poweredGpus));
    const at = kernel.defineEvent<() => void>("act", (f) => f());
    let first: { startAt: number } | null = null;
    let third: { startAt: number } | null = null;
    kernel.schedule(0, at, () => {
      first = nodes.place(replicaPod(plans[0], 0));
      nodes.place(replicaPod(plans[1], 0)); // the node's second GPU
    });
    kernel.schedule(100, at, () => nodes.remove(replicaPod(plans[0], 0).key));
    kernel.schedule(200, at, () => nodes.remove(replicaPod(plans[1], 0).key)); // empty: released at 320
    kernel.schedule(1000, at, () => {
      third = nodes.place(replicaPod(plans[0], 1));
    });
    kernel.run(1200);
    powered.advance(1200);
    // Replicas on a new node start when it is ready: 60 s after it was asked for.
    expect(first).toMatchObject({ startAt: 60 });
    expect(third).toMatchObject({ startAt: 1060 });
    // 2 GPUs from 0 to 320 and from 1,000 to 1,200: (320 + 200) × 2 GPU-seconds.
    expect(powered.total).toBeCloseTo(520 * 2, 9);
    expect(nodes.powerOns).toBe(2);
  });
});

describe("a fleet run", () => {
  it("is a pure function of scenario, policy and seed", () => {
    const s = loadScenario("test/fixtures/fleet/tiny-fleet.yaml");
    const once = ({ wallSeconds: _w, ...rest }: RunResult) => rest;
    const a = once(runOne({ scenario: s, policy: "tierfit+forecast", seed: 2 }));
    expect(once(runOne({ scenario: s, policy: "tierfit+forecast", seed: 2 }))).toEqual(a);
    expect(a.series.t.length).toBe(12); // a sample every 600 s of the 7,200 measured
  });
});
