/**
 * The node pool as a cluster autoscaler runs it. A node is powered (its GPUs counted) from the
 * moment it is asked for until it is released; it takes `provisioningSeconds` before replicas on
 * it can start, and is released once it has held no replica for `drainSeconds` (a replica
 * arriving meanwhile keeps it). Replicas go to powered nodes first, as kube-scheduler only sees
 * registered nodes; only when none fits does the autoscaler power a node, and which one is the
 * policy's pick among the unpowered nodes (the autoscaler simulates the scheduler on its node
 * groups). Both picks are the scoring core's (SimCluster.place → pickNode, allocationFor), and
 * every placement is checked for isolation breaches whatever the policy.
 */
import type { NodeState, NodeView, PodRequest } from "../../../src/cluster/types.js";
import type { ScoringContext } from "../../../src/scoring/types.js";
import { type Placement, SimCluster } from "../../cluster/sim-cluster.js";
import type { EventHandle, EventType, Kernel } from "../../engine/kernel.js";

export interface NodeTiming {
  readonly provisioningSeconds: number;
  readonly drainSeconds: number;
}

interface PoolNode {
  readonly view: NodeView;
  powered: boolean;
  /** When replicas on it may start (its provisioning's end). */
  readyAt: number;
  pods: number;
  release: EventHandle | null;
}

export interface FleetPlacement extends Placement {
  /** When the replica can start loading: now, or when its new node is ready. */
  readonly startAt: number;
}

export class FleetNodes {
  readonly cluster: SimCluster;
  readonly #nodes = new Map<string, PoolNode>();
  readonly #release: EventType<string>;
  #poweredGpus = 0;
  readonly #poweredByTier: number[];
  #powerOns = 0;

  constructor(
    views: readonly NodeView[],
    context: ScoringContext,
    private readonly timing: NodeTiming,
    private readonly kernel: Kernel,
  ) {
    this.cluster = new SimCluster(views, context);
    for (const view of views) this.#nodes.set(view.name, { view, powered: false, readyAt: 0, pods: 0, release: null });
    this.#poweredByTier = new Array<number>(this.cluster.tierCount).fill(0);
    this.#release = kernel.defineEvent<string>("node-release", (name) => {
      const node = this.#nodes.get(name)!;
      node.release = null;
      if (node.pods === 0 && node.powered) this.#setPowered(node, false);
    });
  }

  /** Places the pod on a powered node, else powers the node the policy picks; null when no node fits. */
  place(pod: PodRequest): FleetPlacement | null {
    const now = this.kernel.now;
    const placement = this.cluster.place(pod, this.#states(true)) ?? this.cluster.place(pod, this.#states(false));
    if (placement === null) return null;
    const node = this.#nodes.get(placement.node)!;
    if (!node.powered) {
      this.#setPowered(node, true);
      node.readyAt = now + this.timing.provisioningSeconds;
      this.#powerOns++;
    }
    if (node.release !== null) {
      this.kernel.cancel(node.release);
      node.release = null;
    }
    node.pods++;
    return { ...placement, startAt: Math.max(now, node.readyAt) };
  }

  /** Frees the pod's place; its node is released after the drain delay if nothing else arrives. */
  remove(podKey: string): void {
    const alloc = this.cluster.release(podKey);
    if (alloc === undefined) return;
    const node = this.#nodes.get(alloc.node)!;
    node.pods--;
    if (node.pods === 0)
      node.release = this.kernel.scheduleAfter(this.timing.drainSeconds, this.#release, node.view.name);
  }

  get poweredGpus(): number {
    return this.#poweredGpus;
  }

  poweredGpusOfTier(tier: number): number {
    return this.#poweredByTier[tier] ?? 0;
  }

  /** The powered nodes as they stand (telemetry exists only for these). */
  poweredStates(): NodeState[] {
    return this.#states(true);
  }

  /** Nodes powered on so far. */
  get powerOns(): number {
    return this.#powerOns;
  }

  #states(powered: boolean): NodeState[] {
    const out: NodeState[] = [];
    for (const node of this.#nodes.values()) {
      if (node.powered === powered) out.push(this.cluster.node(node.view.name)!);
    }
    return out;
  }

  #setPowered(node: PoolNode, on: boolean): void {
    node.powered = on;
    const gpus = on ? node.view.gpus.length : -node.view.gpus.length;
    this.#poweredGpus += gpus;
    this.#poweredByTier[node.view.tier] += gpus;
  }
}
