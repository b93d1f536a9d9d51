/**
 * The synthetic workload (sim/workloads/synthetic.ts) on a node-group cluster: pods of several
 * tenants and isolation tiers arrive in bursts with a daily cycle, run an exponential time, and
 * wait in the pending queue when nothing fits. The seed drives the workload and random policies.
 * Scoring uses the config's fragmentation mix, as the extender would; the fragmentation metric is
 * measured against the workload's own GPU sizes.
 */
import type { TierfitConfig } from "../../src/config/schema.js";
import { makeContext } from "../../src/scoring/context.js";
import type { TypicalPod } from "../../src/scoring/types.js";
import { poolNodeViews } from "../cluster/node-pool.js";
import { syntheticPodRequest } from "../cluster/sim-pods.js";
import type { SyntheticSection } from "../scenario/schema.js";
import type { SyntheticScenario } from "../scenario/types.js";
import { GPU_SIZES, type GpuSize, type SyntheticWorkload, syntheticPods } from "../workloads/synthetic.js";
import { policyFor } from "./policies.js";
import { replayTimed, type TimedOutcome, type TimedPod } from "./timed.js";

/** GPU count and per-device share of each size, as the generator draws them. */
const SIZE_SHAPE: Record<GpuSize, readonly [number, number]> = {
  "1/4": [1, 250],
  "1/2": [1, 500],
  "1": [1, 1000],
  "2": [2, 1000],
  "4": [4, 1000],
  "8": [8, 1000],
};

export function syntheticWorkload(section: SyntheticSection, seed: number): SyntheticWorkload {
  const { diurnal, ...rest } = section;
  return { ...rest, seed, diurnal: { amplitude: diurnal.amplitude, peakSecondOfDay: diurnal.peakHour * 3600 } };
}

/** The workload's own typical pods: its GPU sizes, weighted as the mix draws them. */
export function syntheticMix(section: SyntheticSection): TypicalPod[] {
  const cpuPerGpu = section.milliCpuPerGpu ?? 8000;
  const sizes = GPU_SIZES.filter((s) => (section.gpuSizeMix[s] ?? 0) > 0);
  const total = sizes.reduce((sum, s) => sum + (section.gpuSizeMix[s] ?? 0), 0);
  return sizes.map((s) => {
    const [gpuCount, gpuMilli] = SIZE_SHAPE[s];
    return {
      milliCpu: Math.round(((gpuCount * gpuMilli) / 1000) * cpuPerGpu),
      gpuCount,
      gpuMilli,
      weight: (section.gpuSizeMix[s] ?? 0) / total,
    };
  });
}

/** The workload's pods, streamed, as the timed replay takes them. */
export function* syntheticTimedPods(workload: SyntheticWorkload, config: TierfitConfig): Generator<TimedPod> {
  for (const pod of syntheticPods(workload)) {
    yield {
      request: syntheticPodRequest(pod, config, workload.passthroughTiers ?? []),
      arrival: pod.arrivalTime,
      runSeconds: pod.durationSeconds,
      giveUpAt: null,
    };
  }
}

export function runSynthetic(
  scenario: SyntheticScenario,
  policy: string,
  seed: number,
  onProgress?: (fraction: number) => void,
): TimedOutcome {
  const mix = syntheticMix(scenario.synthetic);
  const workload = syntheticWorkload(scenario.synthetic, seed);
  return replayTimed({
    views: poolNodeViews(scenario.cluster.nodes, scenario.config),
    pods: syntheticTimedPods(workload, scenario.config),
    context: makeContext(scenario.config, { now: 0, policy: policyFor(policy, scenario.config, { seed }) }),
    mix,
    sampleSeconds: scenario.timed.sampleSeconds,
    expectedEnd: Number.isFinite(workload.durationSeconds) ? workload.durationSeconds : undefined,
    onProgress,
  });
}
