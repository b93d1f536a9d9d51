/**
 * The openb trace replayed over time: each pod arrives at its creation time and runs for as long
 * as the trace kept it (deletion − creation), from whenever it is placed; a pod still waiting at
 * its deletion time is withdrawn. Pods without a deletion time run to the end. Every node of the
 * list is in the cluster (the timed replay keeps CPU-only pods and nodes).
 */
import { makeContext } from "../../src/scoring/context.js";
import { openbNodeView, openbPodRequest } from "../cluster/openb-views.js";
import type { OpenbTimedScenario } from "../scenario/types.js";
import { type OpenbPod, requireTimestamps } from "../workloads/openb.js";
import { loadOpenbTrace, productMemory } from "./openb-data.js";
import { typicalMix } from "./openb-fgd.js";
import { policyFor } from "./policies.js";
import { replayTimed, type TimedOutcome, type TimedPod } from "./timed.js";

export function runOpenbTimed(
  scenario: OpenbTimedScenario,
  policy: string,
  seed: number,
  onProgress?: (fraction: number) => void,
): TimedOutcome {
  const trace = loadOpenbTrace(scenario.openb);
  requireTimestamps(trace.pods, "the openb-timed scenario");
  const memory = productMemory(scenario.config, scenario.openb);
  const mix = typicalMix(trace.pods);
  // Stable: pods created in the same second keep the list's order.
  const ordered = [...trace.pods].sort((a, b) => (a.creationTime as number) - (b.creationTime as number));
  const end = ordered.reduce((max, p) => Math.max(max, p.deletionTime ?? p.creationTime ?? 0), 0);
  return replayTimed({
    views: trace.nodes.map((n) => openbNodeView(n, 0, { productMemoryMiB: memory })),
    pods: ordered.map(timedPod),
    context: makeContext(scenario.config, {
      now: 0,
      workloadMix: mix,
      policy: policyFor(policy, scenario.config, { seed }),
    }),
    mix,
    sampleSeconds: scenario.timed.sampleSeconds,
    expectedEnd: end,
    onProgress,
  });
}

function timedPod(pod: OpenbPod): TimedPod {
  const created = pod.creationTime as number;
  return {
    request: openbPodRequest(pod),
    arrival: created,
    runSeconds: pod.deletionTime === null ? null : pod.deletionTime - created,
    giveUpAt: pod.deletionTime,
  };
}
