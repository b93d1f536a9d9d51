/**
 * The artifact's RandomScore: PreScore picks one feasible node uniformly at random and Score gives
 * it 100, every other node 0; a sharing pod then goes to a uniformly random GPU that fits
 * (allocateGpuIdBasedOnRandomFit). Here every node draws its own number from (seed, pod, node)
 * (hash.ts) and the highest draw wins: the winner is still uniform over the nodes that pass,
 * whatever order they are scored in, and the same seed gives the same run.
 */
import type { NodeView } from "../../cluster/types.js";
import type { SharedDeviceChooser } from "../policy.js";
import type { Signal } from "../types.js";
import { drawOf, hashString, nodeDrawKey, podDrawKey, seedKey, unitDraw } from "./hash.js";
import { intScoreSignal } from "./int-signal.js";

/** Separates the GPU draw from the node draw of the same pod and node. */
const GPU_DRAW = 0x6a09e667;

interface RandomPre {
  /** hash.ts podDrawKey of the seed and the pod. */
  readonly podKey: number;
}

export function randomSignal(seed: number): Signal<RandomPre> {
  const key = seedKey(seed);
  // Nodes recur for every pod: hash each name once (per policy, so per run), found by its view,
  // which outlives the node's allocation changes and is cheaper to look up than its name.
  const nodeHashes = new WeakMap<NodeView, number>();
  const nodeHash = (view: NodeView) => {
    let h = nodeHashes.get(view);
    if (h === undefined) {
      h = hashString(view.name);
      nodeHashes.set(view, h);
    }
    return h;
  };
  const signal = intScoreSignal<RandomPre>(
    "random",
    (pod) => ({ podKey: podDrawKey(key, hashString(pod.key)) }),
    (_pod, node, _ctx, pre) => 100 * drawOf(pre.podKey, nodeDrawKey(nodeHash(node.view))),
  );
  // The one-pass winner keeps each node's part of the draw by position for as long as the
  // caller's layout holds (names stay put), so a draw touches no node: a few integer operations.
  let layoutOfKeys = -1;
  let nodeKeys = new Int32Array(0);
  const bestEach: Signal<RandomPre>["bestEach"] = (_pod, nodes, verdicts, _ctx, pre, layout) => {
    if (layout !== layoutOfKeys || nodeKeys.length !== nodes.length) {
      nodeKeys = Int32Array.from(nodes, (node) => nodeDrawKey(hashString(node.view.name)));
      layoutOfKeys = layout;
    }
    let best = -1;
    let bestScore = -1;
    for (let i = 0; i < nodes.length; i++) {
      if (verdicts[i] < 0) continue;
      // The very number `score` gives, so the winner is the one decide() names.
      const score = (100 * drawOf(pre.podKey, nodeKeys[i])) / 10;
      if (score < bestScore || (score === bestScore && nodes[i].view.name >= nodes[best].view.name)) continue;
      best = i;
      bestScore = score;
    }
    return best;
  };
  return { ...signal, bestEach };
}

/** A uniformly drawn device among those that fit. */
export function randomDeviceChooser(seed: number): SharedDeviceChooser {
  const key = seedKey(seed) ^ GPU_DRAW;
  return (pod, node, candidates) => {
    const draw = unitDraw(key, hashString(pod.key), hashString(node.view.name));
    return candidates[Math.floor(draw * candidates.length)];
  };
}
