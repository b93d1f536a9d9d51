/**
 * One value per node for its latest state: keyed by the node's view, which outlives its
 * allocation changes, and checked against the state object. A weak map keyed by the state itself
 * keeps every snapshot's entry alive through the next scavenge, and a simulation makes a
 * snapshot per placement; here a node's entry is overwritten when its state changes.
 */
import type { NodeState, NodeView } from "../cluster/types.js";

interface Entry<T> {
  state: NodeState;
  value: T;
}

export class LatestStateCache<T> {
  readonly #entries = new WeakMap<NodeView, Entry<T>>();

  /** The value kept for this very state; undefined when none is (or it was for another state). */
  get(node: NodeState): T | undefined {
    const entry = this.#entries.get(node.view);
    return entry !== undefined && entry.state === node ? entry.value : undefined;
  }

  set(node: NodeState, value: T): void {
    const entry = this.#entries.get(node.view);
    if (entry === undefined) this.#entries.set(node.view, { state: node, value });
    else {
      entry.state = node;
      entry.value = value;
    }
  }
}
