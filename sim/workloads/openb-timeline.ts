/**
 * A timed replay of an openb pod list, as opposed to the FGD protocol's arrival order: each pod
 * arrives at its creation time and leaves at its deletion time (if it has one).
 */
import type { OpenbPod } from "./openb.js";
import { requireTimestamps } from "./openb.js";

export interface OpenbTimedEvent {
  /** Seconds on the trace's clock. */
  readonly time: number;
  readonly kind: "arrive" | "depart";
  readonly pod: OpenbPod;
}

/**
 * Arrivals and departures in time order. Events at the same second keep the artifact's order
 * (its stable sort of per-pod create/delete pairs): the pod list's order, a pod's arrival
 * before its own departure.
 */
export function timedEvents(pods: readonly OpenbPod[]): OpenbTimedEvent[] {
  requireTimestamps(pods, "a timed replay");
  const events: OpenbTimedEvent[] = [];
  for (const pod of pods) {
    events.push({ time: pod.creationTime as number, kind: "arrive", pod });
    if (pod.deletionTime !== null) events.push({ time: pod.deletionTime, kind: "depart", pod });
  }
  // Array.prototype.sort is stable (ES2019), which the tie rule above relies on.
  return events.sort((a, b) => a.time - b.time);
}
