/**
 * A memo for the simulator's winner-only loop. Between two placements only one node changes,
 * and pods of the same shape get the same verdict and score on an unchanged node, so a replay of
 * ~11,000 pods over ~1,200 nodes mostly re-asks questions already answered. Per pod shape the
 * memo keeps one row aligned with the node array: the node object and version each answer was
 * computed for and the combined score (-1 = the node failed a filter). A changed node is a new
 * object or a new version, so a stale answer is never read.
 *
 * Valid only when the policy's signals depend on the pod through its shape (podShapeKey), as
 * tierfit's and the FGD baselines' do; a policy that reads, say, the pod's name must not use it,
 * unless it declares `shapeDetermined: false` (policy.ts): then only filter verdicts are reused.
 * Any change of policy, config, mix, demand snapshot or clock clears the memo.
 */
import type { NodeState, PodRequest } from "../cluster/types.js";
import { effectiveTenant } from "./tenancy.js";
import type { ScoringContext } from "./types.js";

/** Everything the built-in signals read from a pod, as one string. */
export function podShapeKey(pod: PodRequest): string {
  const m = pod.gpuMemory;
  const r = pod.resources;
  return [
    pod.gpuCount,
    m.kind === "mib" ? `${m.mib}Mi` : `${m.milli}m`,
    r.milliCpu,
    r.memoryBytes,
    r.pods,
    pod.tier,
    effectiveTenant(pod),
    pod.model ?? "",
    pod.workloadClass,
    pod.gpuProducts.join(","),
  ].join("|");
}

export interface MemoRow {
  nodes: (NodeState | undefined)[];
  versions: Float64Array;
  /** Combined 0..10 score, or -1 for a node that failed a filter. */
  scores: Float64Array;
}

/** More shapes than this and the memo starts over (a trace with endless distinct shapes). */
const MAX_SHAPES = 4096;

export class PlacementMemo {
  readonly #rows = new Map<string, MemoRow>();
  #bound: readonly unknown[] = [];
  hits = 0;
  misses = 0;

  /** The row for this shape under this context, sized for `size` nodes. */
  row(shape: string, ctx: ScoringContext, size: number): MemoRow {
    const bound = [ctx.policy, ctx.config, ctx.workloadMix, ctx.demand, ctx.now];
    if (bound.some((x, i) => x !== this.#bound[i]) || this.#rows.size >= MAX_SHAPES) {
      this.#rows.clear();
      this.#bound = bound;
    }
    let row = this.#rows.get(shape);
    if (row === undefined || row.versions.length < size) {
      row = { nodes: new Array(size), versions: new Float64Array(size), scores: new Float64Array(size) };
      this.#rows.set(shape, row);
    }
    return row;
  }
}
