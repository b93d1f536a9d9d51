/**
 * The comparison policies, each a ScoringPolicy over the same runner as tierfit's: one score
 * signal (an integer score carried as int/10, int-signal.ts) carrying the baseline filters
 * (filters.ts). Like kube-scheduler, they know nothing of isolation tiers or
 * tenants: no tier filter, and device choice that ignores who holds a GPU (enforceIsolation
 * false), so a simulation can count the violations they cause. Device choice is "binpack":
 * whole-GPU pods take the lowest-index fully free GPUs, a sharing pod the GPU with the least free
 * that still fits (lowest index on ties), the artifact's "best"; Random and FGD choose a sharing
 * pod's GPU their own way. Every call builds a fresh policy: caches live in it, one per run.
 */
import { compileMix } from "../fragmentation.js";
import { type ScoringPolicy, type SharedDeviceChooser, soleScore } from "../policy.js";
import type { Signal } from "../types.js";
import { bestFit } from "./best-fit.js";
import { dotProduct } from "./dot-product.js";
import { bestSharedDevice, fgdPlacement } from "./fgd.js";
import { FgdMemo } from "./fgd-memo.js";
import { withBaselineFilters } from "./filters.js";
import { gpuClusteringSignal } from "./gpu-clustering.js";
import { gpuPacking } from "./gpu-packing.js";
import { intScoreSignal } from "./int-signal.js";
import { kubeDefault, mostAllocated } from "./kube.js";
import { randomDeviceChooser, randomSignal } from "./random.js";

interface BaselineOptions {
  readonly chooseSharedDevice?: SharedDeviceChooser;
  readonly shapeDetermined?: boolean;
}

/** A policy ranked by one score signal, which carries the baseline filters. */
// biome-ignore lint/suspicious/noExplicitAny: signals differ in their per-pod state type
function baseline(name: string, scorer: Signal<any>, opts: BaselineOptions = {}): ScoringPolicy {
  const only = scorer.name;
  return {
    name,
    signals: [withBaselineFilters(scorer)] as readonly Signal[],
    combine: (scores) => scores[only],
    combineAt: soleScore,
    packing: "binpack",
    chooseSharedDevice: opts.chooseSharedDevice,
    enforceIsolation: false,
    shapeDetermined: opts.shapeDetermined ?? true,
    counters: { nonFiniteScores: 0 },
  };
}

/** kube's defaults: NodeResourcesFit LeastAllocated + BalancedAllocation, weight 1 each (kube.ts). */
export function kubeDefaultPolicy(): ScoringPolicy {
  return baseline("kube-default", kubeDefault);
}

/** kube NodeResourcesFit MostAllocated over cpu, memory and nvidia.com/gpu. */
export function binpackPolicy(): ScoringPolicy {
  return baseline("binpack", mostAllocated);
}

export function randomPolicy(seed: number): ScoringPolicy {
  // Draws differ per pod, not per pod shape: the runner's memo reuses only the filters' verdicts.
  return baseline("random", randomSignal(seed), {
    chooseSharedDevice: randomDeviceChooser(seed),
    shapeDetermined: false,
  });
}

export function dotProductPolicy(): ScoringPolicy {
  return baseline("dotprod", dotProduct);
}

export function gpuClusteringPolicy(): ScoringPolicy {
  return baseline("gpu-clustering", gpuClusteringSignal());
}

export function gpuPackingPolicy(): ScoringPolicy {
  return baseline("gpu-packing", gpuPacking);
}

export function bestFitPolicy(): ScoringPolicy {
  return baseline("bestfit", bestFit);
}

export interface FgdOptions {
  /** Keep scores per node state and pod shape (fgd-memo.ts); false recomputes every one. Default true. */
  readonly memoise?: boolean;
}

/** FGD scores the node and picks a sharing pod's GPU by the same rule (fgd.ts). */
export function fgdPolicy(opts: FgdOptions = {}): ScoringPolicy {
  const memoise = opts.memoise ?? true;
  const memo = new FgdMemo();
  const signal = intScoreSignal(
    "fgd",
    (pod, ctx) => ({ mix: compileMix(ctx.workloadMix), shape: memoise ? memo.shapeOf(pod) : -1 }),
    (pod, node, ctx, pre) =>
      memoise
        ? memo.score(pod, pre.shape, node, ctx, pre.mix)
        : fgdPlacement(pod, node, ctx, pre.mix, memo.scratch).score,
  );
  const chooseSharedDevice: SharedDeviceChooser = (pod, node, candidates, mix) => {
    memo.scratch.ensure(node.devices.length);
    return bestSharedDevice(pod, node, mix, candidates, candidates.length, memo.scratch).device;
  };
  return baseline("fgd", signal, { chooseSharedDevice });
}
