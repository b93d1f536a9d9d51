/**
 * Memoised FGD scores. A node's FGD score for a pod depends only on the node's state as the
 * score reads it (CPU left, and per device: product, size, free units; not which device is
 * which, since every rule is symmetric in the devices) and on the pod's shape (CPU, GPU count
 * and share, accepted products). Many of a cluster's nodes share a state (all the empty nodes of
 * one kind at first, and a node keeps its state until a pod lands there), so scores are kept per
 * state signature and shape; each NodeState object (an immutable snapshot) finds its state once.
 *
 * Tenancy is not part of the key: the memo serves policies that do not enforce isolation (the
 * baselines); for any other it computes directly. It lives in the policy object, one per run.
 */
import type { NodeState, PodRequest } from "../../cluster/types.js";
import type { CompiledMix } from "../fragmentation.js";
import { gpuKindKey } from "../placement-memo.js";
import { LatestStateCache } from "../state-cache.js";
import type { ScoringContext } from "../types.js";
import { milliCpuLeft } from "./artifact-units.js";
import { FgdScratch, fgdPlacement } from "./fgd.js";

interface StateEntry {
  /** Score per pod shape id; holes for shapes not yet scored here. */
  readonly scores: number[];
}

/** The state key: CPU left, then the devices' (product, MiB, capacity, free), sorted. */
export function stateSignature(node: NodeState): string {
  const parts: string[] = new Array(node.devices.length);
  for (let i = 0; i < node.devices.length; i++) {
    const d = node.devices[i];
    parts[i] = `${d.product}:${node.view.gpus[i].memoryMiB}:${d.capacityUnits}:${d.freeUnits}`;
  }
  return `${milliCpuLeft(node)}|${parts.sort().join(",")}`;
}

/** What of a pod the FGD score reads. */
export function shapeKey(pod: PodRequest): string {
  const r = pod.resources;
  const g = pod.gpuMemory;
  const share = g.kind === "milli" ? `m${g.milli}` : `b${g.mib}`;
  return `${r.milliCpu}|${r.memoryBytes > 0 ? 1 : 0}|${pod.gpuCount}|${share}|${gpuKindKey(pod)}|${pod.gpuProducts.join("|")}`;
}

export class FgdMemo {
  readonly scratch = new FgdScratch();
  #mix: CompiledMix | null = null;
  #byNode = new LatestStateCache<StateEntry>();
  #bySignature = new Map<string, StateEntry>();
  readonly #shapes = new Map<string, number>();
  /** Scores computed (misses), for the bench and tests. */
  computed = 0;

  shapeOf(pod: PodRequest): number {
    const key = shapeKey(pod);
    let id = this.#shapes.get(key);
    if (id === undefined) {
      id = this.#shapes.size;
      this.#shapes.set(key, id);
    }
    return id;
  }

  score(pod: PodRequest, shape: number, node: NodeState, ctx: ScoringContext, mix: CompiledMix): number {
    if (ctx.policy.enforceIsolation !== false) return fgdPlacement(pod, node, ctx, mix, this.scratch).score;
    if (mix !== this.#mix) this.#reset(mix);
    let entry = this.#byNode.get(node);
    if (entry === undefined) {
      const signature = stateSignature(node);
      entry = this.#bySignature.get(signature);
      if (entry === undefined) {
        entry = { scores: [] };
        this.#bySignature.set(signature, entry);
      }
      this.#byNode.set(node, entry);
    }
    const hit = entry.scores[shape];
    if (hit !== undefined) return hit;
    this.computed++;
    const score = fgdPlacement(pod, node, ctx, mix, this.scratch).score;
    entry.scores[shape] = score;
    return score;
  }

  /** A different typical-pod mix makes every kept score stale. */
  #reset(mix: CompiledMix): void {
    this.#mix = mix;
    this.#byNode = new LatestStateCache();
    this.#bySignature = new Map();
  }
}
