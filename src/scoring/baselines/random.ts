/**
 * The artifact's RandomScore: PreScore picks one feasible node uniformly at random and Score gives
 * it 100, every other node 0; a sharing pod then goes to a uniformly random GPU that fits
 * (allocateGpuIdBasedOnRandomFit). Here every node draws its own number from (seed, pod, node)
 * (hash.ts) and the highest draw wins: the winner is still uniform over the nodes that pass,
 * whatever order they are scored in, and the same seed gives the same run.
 */
import type { NodeState, NodeView, PodRequest } from "../../cluster/types.js";
import type { SharedDeviceChooser } from "../policy.js";
import { hashString, seedKey, unitDraw } from "./hash.js";
import { intScoreSignal } from "./int-signal.js";

/** Separates the GPU draw from the node draw of the same pod and node. */
const GPU_DRAW = 0x6a09e667;

interface RandomPre {
  readonly podHash: number;
}

/** The node draw in [0, 1): what the random signal scores (× 100, not rounded, so draws rarely tie). */
export function nodeDraw(seed: number, pod: PodRequest, node: NodeState): number {
  return unitDraw(seedKey(seed), hashString(pod.key), hashString(node.view.name));
}

export function randomSignal(seed: number) {
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
  const byPosition = new PositionHashes();
  return intScoreSignal<RandomPre>(
    "random",
    (pod) => ({ podHash: hashString(pod.key) }),
    (_pod, node, _ctx, pre) => 100 * unitDraw(key, pre.podHash, nodeHash(node.view)),
    (_pod, nodes, i, _ctx, pre) => 100 * unitDraw(key, pre.podHash, byPosition.at(nodes, i)),
  );
}

/**
 * Name hashes by position in the node array, for the batch form: the same array comes back for
 * every pod, so a draw is a check of the node's view and a few integer operations.
 */
class PositionHashes {
  #views: (NodeView | undefined)[] = [];
  #hashes = new Uint32Array(0);

  at(nodes: readonly NodeState[], i: number): number {
    if (this.#hashes.length !== nodes.length) {
      this.#views = new Array(nodes.length);
      this.#hashes = new Uint32Array(nodes.length);
    }
    const view = nodes[i].view;
    if (this.#views[i] !== view) {
      this.#views[i] = view;
      this.#hashes[i] = hashString(view.name);
    }
    return this.#hashes[i];
  }
}

/** A uniformly drawn device among those that fit. */
export function randomDeviceChooser(seed: number): SharedDeviceChooser {
  const key = seedKey(seed) ^ GPU_DRAW;
  return (pod, node, candidates) => {
    const draw = unitDraw(key, hashString(pod.key), hashString(node.view.name));
    return candidates[Math.floor(draw * candidates.length)];
  };
}
