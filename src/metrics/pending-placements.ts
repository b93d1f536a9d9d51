/**
 * The herd effect: telemetry lags placements by 15–60 s, so a burst of pods would all see the
 * same idle node and pile onto it. Each placement's expected load is remembered here and added
 * to the node's view until a sample taken after the placement arrives (it then shows the real
 * load) or `maxAgeMs` passes (the pod never showed up in the metrics).
 */
import type { PendingLoad } from "../scoring/demand-snapshot.js";

export interface ExpectedLoad {
  /** GPU memory the pod is expected to use, MiB. */
  readonly fbMiB: number;
  /** GPU compute it is expected to use, in whole-GPU equivalents. */
  readonly util: number;
}

interface Placement {
  readonly model: string | null;
  readonly expected: ExpectedLoad;
  readonly at: number;
}

export class PendingPlacements {
  private readonly byNode = new Map<string, Placement[]>();

  constructor(private readonly maxAgeMs: number) {}

  note(node: string, model: string | null, expected: ExpectedLoad, at: number): void {
    const list = this.byNode.get(node);
    const p = { model, expected, at };
    if (list) list.push(p);
    else this.byNode.set(node, [p]);
  }

  /**
   * What is still pending on `node` given its latest sample time (null = no telemetry): the
   * placements made at or after that sample and not older than maxAgeMs. Forgets the others.
   */
  pendingFor(node: string, sampleTs: number | null, now: number): PendingLoad | null {
    const list = this.byNode.get(node);
    if (list === undefined) return null;
    const open = list.filter((p) => (sampleTs === null || p.at >= sampleTs) && now - p.at <= this.maxAgeMs);
    if (open.length === 0) {
      this.byNode.delete(node);
      return null;
    }
    if (open.length !== list.length) this.byNode.set(node, open);
    let fbMiB = 0;
    let util = 0;
    const models = new Set<string>();
    for (const p of open) {
      fbMiB += p.expected.fbMiB;
      util += p.expected.util;
      if (p.model !== null) models.add(p.model);
    }
    return { placements: open.length, fbMiB, util, models: [...models].sort() };
  }

  nodes(): string[] {
    return [...this.byNode.keys()];
  }
}
