/**
 * Node views for full-`Nodes` requests, memoised by node name and resourceVersion: kube-scheduler
 * sends the same node objects call after call, and building a view parses labels and quantities.
 * A view is rebuilt when the node's resourceVersion or the config object changes.
 */
import type { V1Node } from "@kubernetes/client-node";
import { nodeViewFromV1 } from "../cluster/node-view.js";
import type { NodeView } from "../cluster/types.js";
import type { TierfitConfig } from "../config/schema.js";

interface Entry {
  readonly resourceVersion: string;
  readonly config: TierfitConfig;
  readonly view: NodeView;
}

export class NodeViewCache {
  private readonly byName = new Map<string, Entry>();

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
}
