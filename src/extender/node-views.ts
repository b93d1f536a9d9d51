/**
 * Node views for full-`Nodes` requests, memoised by node name and resourceVersion: kube-scheduler
 * sends the same node objects call after call, and building a view parses labels and quantities.
 * A view is rebuilt when the node's resourceVersion or the config object changes. The state the
 * core scores (the view with the ledger's allocations) is kept per view too, so it is the same
 * object while neither changes, which is what the verdict memo recognises a node by.
 */
import type { V1Node } from "@kubernetes/client-node";
import { nodeViewFromV1 } from "../cluster/node-view.js";
import type { NodeState, NodeView } from "../cluster/types.js";
import type { TierfitConfig } from "../config/schema.js";
import { stateForRequestNode } from "./node-state.js";

interface Entry {
  readonly resourceVersion: string;
  readonly config: TierfitConfig;
  readonly view: NodeView;
}

export class NodeViewCache {
  private readonly byName = new Map<string, Entry>();
  /** Weak: a view replaced above takes its state with it. */
  private readonly states = new WeakMap<
    NodeView,
    { readonly known: NodeState | undefined; readonly state: NodeState }
  >();

  constructor(private readonly capacity = 20_000) {}

  /** Throws what nodeViewFromV1 throws for a node it cannot read. */
  viewOf(node: V1Node, config: TierfitConfig): NodeView {
    const name = node.metadata?.name ?? "";
    const resourceVersion = node.metadata?.resourceVersion;
    if (typeof resourceVersion !== "string" || resourceVersion === "") return nodeViewFromV1(node, config);
    const hit = this.byName.get(name);
    if (hit !== undefined && hit.resourceVersion === resourceVersion && hit.config === config) return hit.view;
    const view = nodeViewFromV1(node, config);
    this.byName.delete(name);
    this.byName.set(name, { resourceVersion, config, view });
    if (this.byName.size > this.capacity) {
      const oldest = this.byName.keys().next().value;
      if (oldest !== undefined) this.byName.delete(oldest);
    }
    return view;
  }

  /** stateForRequestNode(view, known), the same object as last time when view and known are. */
  stateOf(view: NodeView, known: NodeState | undefined): NodeState {
    const hit = this.states.get(view);
    if (hit !== undefined && hit.known === known) return hit.state;
    const state = stateForRequestNode(view, known);
    this.states.set(view, { known, state });
    return state;
  }
}
