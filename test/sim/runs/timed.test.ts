/**
 * Timed runs: the ledger's invariants hold after every event of a long random run with a pending
 * queue, every departure gives back what it took, and pending times are measured.
 */
import { describe, expect, it } from "vitest";
import { type NodeGroup, poolNodeViews } from "../../../sim/cluster/node-pool.js";
import type { SimCluster } from "../../../sim/cluster/sim-cluster.js";
import { policyFor } from "../../../sim/runs/policies.js";
import { syntheticMix, syntheticTimedPods, syntheticWorkload } from "../../../sim/runs/synthetic.js";
import { replayTimed, type TimedPod } from "../../../sim/runs/timed.js";
import { defaultConfig } from "../../../src/config/load.js";
import { makeContext } from "../../../src/scoring/context.js";
import { nodeState, podRequest } from "../../support/core-builders.js";

const config = defaultConfig();
const groups: NodeGroup[] = [
  {
    name: "runc",
    count: 3,
    gpus: 8,
    product: "NVIDIA-A100-SXM4-80GB",
    tier: "shared-kernel",
    cpu: 64,
    memoryGiB: 512,
    pods: 40,
  },
  { name: "gvisor", count: 2, gpus: 4, product: "NVIDIA-L4", tier: "sandboxed", cpu: 32, memoryGiB: 256, pods: 40 },
  {
    name: "kata",
    count: 2,
    gpus: 8,
    product: "NVIDIA-H100-80GB-HBM3",
    tier: "hypervisor",
    cpu: 64,
    memoryGiB: 512,
    pods: 40,
  },
];
const section = {
  arrivalsPerSecond: 0.05,
  durationSeconds: 86_400,
  maxPods: 3000,
  diurnal: { amplitude: 0.6, peakHour: 14 },
  batch: { meanSize: 3, sigma: 1 },
  gpuSizeMix: { "1/4": 3, "1/2": 3, "1": 4, "2": 1, "4": 0.5, "8": 0.2 },
  tierMix: { "shared-kernel": 2, sandboxed: 1, hypervisor: 1 },
  tenants: 6,
  meanDurationSeconds: 3600,
  milliCpuPerGpu: 8000,
  memoryMiBPerGpu: 32768,
};

function pods(seed: number): TimedPod[] {
  return [...syntheticTimedPods(syntheticWorkload(section, seed), config)];
}

/** Over-assignment anywhere: a device past its capacity, or a node past its CPU, memory or pod count. */
function overAssigned(cluster: SimCluster): string[] {
  const problems = [...cluster.ledger.conflicts()];
  for (const node of cluster.ledger.nodes()) {
    const a = node.view.allocatable;
    const r = node.requested;
    if (r.milliCpu > a.milliCpu || r.memoryBytes > a.memoryBytes || r.pods > a.pods) {
      problems.push(`node ${node.view.name} over its allocatable: ${JSON.stringify(r)}`);
    }
    for (const d of node.devices) {
      const held = d.occupants.reduce((sum, o) => sum + o.units, 0);
      if (held > d.capacityUnits || d.freeUnits !== d.capacityUnits - held) {
        problems.push(`node ${node.view.name} device ${d.index}: ${held} held of ${d.capacityUnits}`);
      }
    }
  }
  return problems;
}

describe("a long random timed run", () => {
  const input = pods(5);
  let checks = 0;
  const problems: string[] = [];
  const outcome = replayTimed({
    views: poolNodeViews(groups, config),
    pods: input,
    context: makeContext(config, { now: 0, policy: policyFor("tierfit", config, { seed: 5 }) }),
    mix: syntheticMix(section),
    sampleSeconds: 600,
    observe: (cluster) => {
      checks++;
      problems.push(...overAssigned(cluster));
    },
  });

  it("never over-assigns a device or a node", () => {
    expect(checks).toBeGreaterThan(2 * input.length);
    expect(problems).toEqual([]);
  });

  it("releases every pod when it leaves: the ledger ends empty", () => {
    const m = outcome.metrics;
    expect(m.arrivedPods).toBe(input.length);
    // Every pod fits an empty node of its tier, so each is placed in the end and leaves again.
    expect(m.placedPods).toBe(input.length);
    expect(m.failedPods).toBe(0);
    expect([...outcome.cluster.ledger.allocations()]).toEqual([]);
    expect(outcome.cluster.poweredGpus).toBe(0);
    expect(outcome.cluster.busyDevices).toBe(0);
    expect(outcome.cluster.allocatedGpus).toBeCloseTo(0, 9);
  });

  it("queues pods when the cluster is full and records their waits", () => {
    // 3,000 pods at about 1.3 GPUs for an hour each, 0.05/s with bursts, on 56 GPUs: queues form.
    expect(outcome.metrics.pendingSecondsMean).toBeGreaterThan(0);
    expect(outcome.metrics.pendingSecondsP95).toBeGreaterThan(0);
    expect(outcome.metrics.isolationViolations).toBe(0);
    expect(outcome.metrics.gpuHoursUsed).toBeLessThanOrEqual(outcome.metrics.gpuHoursProvisioned);
  });
});

describe("the pending queue", () => {
  const node = nodeState({ name: "only", gpus: [{ memoryMiB: 81920 }], cpu: 64 });
  const whole = (
    name: string,
    arrival: number,
    runSeconds: number | null,
    giveUpAt: number | null = null,
  ): TimedPod => ({
    request: podRequest({ name, gpuCount: 1, cpu: 1 }),
    arrival,
    runSeconds,
    giveUpAt,
  });

  it("retries waiting pods in arrival order when a pod leaves, and withdraws one at its give-up time", () => {
    // a runs 0–100; b (t=10) waits 90 s; c (t=20) gives up at 50; d (t=30) waits for b to leave
    // at 100 + 50 = 150, i.e. 120 s. Waits 0, 90, 30 (c, failed), 120: mean 60, p95 120.
    const outcome = replayTimed({
      views: [node.view],
      pods: [whole("a", 0, 100), whole("b", 10, 50), whole("c", 20, 10, 50), whole("d", 30, 10)],
      context: makeContext(config, { now: 0 }),
      mix: [],
      sampleSeconds: 1000,
    });
    expect(outcome.metrics.placedPods).toBe(3);
    expect(outcome.metrics.failedPods).toBe(1);
    expect(outcome.metrics.pendingSecondsMean).toBe(60);
    expect(outcome.metrics.pendingSecondsP95).toBe(120);
    // One 1-GPU node powered from 0 to 160 s.
    expect(outcome.metrics.gpuHoursProvisioned).toBeCloseTo(160 / 3600, 12);
    expect(outcome.metrics.gpuHoursUsed).toBeCloseTo(160 / 3600, 12);
    expect(outcome.metrics.overprovisioningRatio).toBeCloseTo(1, 12);
  });
});
