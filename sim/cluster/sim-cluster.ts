/**
 * The simulated cluster: an AllocationLedger over fixed node views, where placing a pod makes the
 * extender's calls — pickNode (filter, score, pick; the winner decide() would name) then
 * allocationFor and ledger.assign, as bind does — so every policy is judged by the code that runs
 * in production.
 *
 * It keeps, incrementally, what the collectors read after every event (powered GPUs, busy devices,
 * allocated GPU share, per node tier) and counts isolation breaches on every placement, whatever
 * the policy (isolation.ts). Node fragmentation is cached per node and version.
 */
import { AllocationLedger } from "../../src/cluster/ledger.js";
import type { Allocation, NodeState, NodeView, PodRequest } from "../../src/cluster/types.js";
import { withClusterCpuPerGpu } from "../../src/scoring/context.js";
import { idleGpuMilli, nodeFragmentation } from "../../src/scoring/fragmentation.js";
import { PlacementMemo } from "../../src/scoring/placement-memo.js";
import { allocationFor, filterNodes, pickNode } from "../../src/scoring/runner.js";
import type { ScoringContext, TypicalPod } from "../../src/scoring/types.js";
import { type IsolationBreach, isolationBreach } from "./isolation.js";

export interface Placement {
  readonly node: string;
  readonly allocation: Allocation;
  readonly breach: IsolationBreach | null;
}

/** What one node contributes to the cluster's counters. */
interface NodeUsage {
  pods: number;
  busyDevices: number;
  /** Allocated share of its devices, in whole-GPU equivalents. */
  share: number;
}

interface FragmentationEntry {
  version: number;
  fragment: number;
  idle: number;
}

/** Cluster fragmentation in thousandths of a GPU: what the typical pods cannot use, of what is idle. */
export interface ClusterFragmentation {
  readonly fragmentMilli: number;
  readonly idleMilli: number;
}

export class SimCluster {
  readonly ledger = new AllocationLedger();
  readonly totalGpus: number;
  readonly tierCount: number;
  /** GPUs per node tier. */
  readonly gpusByTier: readonly number[];
  #context: ScoringContext;
  /** The runner's per-shape answers on unchanged nodes (it clears itself when the context changes). */
  readonly #memo = new PlacementMemo(this.ledger);
  readonly #views = new Map<string, NodeView>();
  readonly #usage = new Map<string, NodeUsage>();
  #poweredNodes = 0;
  #poweredGpus = 0;
  #busyDevices = 0;
  #share = 0;
  readonly #poweredGpusByTier: number[];
  readonly #shareByTier: number[];
  #tierBreaches = 0;
  #sharingBreaches = 0;
  #breachingPlacements = 0;
  #fragMix: readonly TypicalPod[] | null = null;
  readonly #frag = new Map<string, FragmentationEntry>();
  readonly #fragDirty = new Set<string>();
  #fragTotal = 0;
  #idleTotal = 0;

  constructor(views: readonly NodeView[], context: ScoringContext) {
    this.#context = context;
    this.tierCount = Math.max(context.config.tiers.length, ...views.map((v) => v.tier + 1));
    const gpusByTier = new Array<number>(this.tierCount).fill(0);
    let total = 0;
    for (const view of views) {
      if (this.#views.has(view.name)) throw new Error(`node ${view.name} is in the cluster twice`);
      this.#views.set(view.name, view);
      this.ledger.upsertNode(view);
      this.#usage.set(view.name, { pods: 0, busyDevices: 0, share: 0 });
      total += view.gpus.length;
      gpusByTier[view.tier] += view.gpus.length;
    }
    this.totalGpus = total;
    this.gpusByTier = gpusByTier;
    this.#poweredGpusByTier = new Array<number>(this.tierCount).fill(0);
    this.#shareByTier = new Array<number>(this.tierCount).fill(0);
  }

  /** The context placements are scored with: the one set, its typical pods' CPU learnt from the cluster (learned-cpu.ts). */
  get context(): ScoringContext {
    return withClusterCpuPerGpu(this.#context, this.ledger.cpuPerGpu());
  }

  /** A new context for later placements (a new demand snapshot, a later clock). */
  setContext(context: ScoringContext): void {
    this.#context = context;
  }

  /**
   * Places the pod where the policy picks, or returns null when no node passes its filters.
   * A rejection after the pick means the core contradicts itself: a bug, so it throws.
   * `candidates`: only these nodes (their current states) are considered; every node when absent.
   */
  place(pod: PodRequest, candidates?: readonly NodeState[]): Placement | null {
    const ctx = this.context;
    const pick =
      candidates === undefined ? pickNode(pod, this.ledger.nodes(), ctx, this.#memo) : pickNode(pod, candidates, ctx);
    if (pick === null) return null;
    const before = pick.node;
    const alloc = allocationFor(pod, before, ctx);
    if ("reason" in alloc) {
      throw new Error(
        `policy ${ctx.policy.name} picked node ${before.view.name} for ${pod.key}, but allocationFor rejects it: ${alloc.reason}`,
      );
    }
    const breach = isolationBreach(pod, before, alloc, ctx.config.tiers);
    const rejection = this.ledger.assign(alloc);
    if (rejection !== null) {
      throw new Error(
        `ledger rejects ${pod.key} on ${before.view.name} after the policy picked it: ${rejection.reason}`,
      );
    }
    if (breach !== null) {
      this.#breachingPlacements++;
      if (breach.weakNode) this.#tierBreaches++;
      this.#sharingBreaches += breach.foreignNeighbours + breach.passthroughNeighbours;
    }
    this.#refresh(before.view.name);
    return { node: before.view.name, allocation: alloc, breach };
  }

  /** Whether the policy's filters pass the pod on this node as it stands (the pending queue's cheap test). */
  fitsOn(pod: PodRequest, nodeName: string): boolean {
    const node = this.ledger.node(nodeName);
    return node !== undefined && filterNodes(pod, [node], this.context).passed.length === 1;
  }

  release(podKey: string): Allocation | undefined {
    const alloc = this.ledger.release(podKey);
    if (alloc !== undefined) this.#refresh(alloc.node);
    return alloc;
  }

  node(name: string): NodeState | undefined {
    return this.ledger.node(name);
  }

  /** Nodes hosting at least one pod: what a cluster autoscaler keeps running. */
  get poweredNodes(): number {
    return this.#poweredNodes;
  }

  /** GPUs of the powered nodes. */
  get poweredGpus(): number {
    return this.#poweredGpus;
  }

  /** Devices with at least one pod on them. */
  get busyDevices(): number {
    return this.#busyDevices;
  }

  /** Allocated share of all devices, in whole-GPU equivalents (two half-GPU pods = 1). */
  get allocatedGpus(): number {
    return this.#share;
  }

  poweredGpusOfTier(tier: number): number {
    return this.#poweredGpusByTier[tier] ?? 0;
  }

  allocatedGpusOfTier(tier: number): number {
    return this.#shareByTier[tier] ?? 0;
  }

  /** Placements that broke isolation (a pod counts once, whatever it broke). */
  get isolationViolations(): number {
    return this.#breachingPlacements;
  }

  /** Placements on a node weaker than the pod's tier. */
  get tierViolations(): number {
    return this.#tierBreaches;
  }

  /** Pod pairs of different tenants put on one device below a sharing tier. */
  get sharingViolations(): number {
    return this.#sharingBreaches;
  }

  /** Summed node fragmentation for `mix` (src/scoring/fragmentation.ts), recomputing only nodes that changed. */
  fragmentation(mix: readonly TypicalPod[]): ClusterFragmentation {
    if (mix !== this.#fragMix) {
      this.#fragMix = mix;
      this.#frag.clear();
      this.#fragTotal = 0;
      this.#idleTotal = 0;
      for (const name of this.#views.keys()) this.#fragDirty.add(name);
    }
    for (const name of this.#fragDirty) {
      const node = this.ledger.node(name)!;
      const old = this.#frag.get(name);
      if (old !== undefined && old.version === node.version) continue;
      const fragment = nodeFragmentation(node, mix);
      const idle = idleGpuMilli(node);
      this.#fragTotal += fragment - (old?.fragment ?? 0);
      this.#idleTotal += idle - (old?.idle ?? 0);
      this.#frag.set(name, { version: node.version, fragment, idle });
    }
    this.#fragDirty.clear();
    return { fragmentMilli: Math.max(0, this.#fragTotal), idleMilli: Math.max(0, this.#idleTotal) };
  }

  /** Recounts one node's contribution after its allocations changed. */
  #refresh(name: string): void {
    const state = this.ledger.node(name)!;
    const old = this.#usage.get(name)!;
    const pods = state.requested.pods;
    let busy = 0;
    let share = 0;
    for (const d of state.devices) {
      if (d.occupants.length > 0) busy++;
      if (d.capacityUnits > 0) share += (d.capacityUnits - d.freeUnits) / d.capacityUnits;
    }
    const gpus = state.view.gpus.length;
    const tier = state.view.tier;
    const wasPowered = old.pods > 0 ? 1 : 0;
    const isPowered = pods > 0 ? 1 : 0;
    this.#poweredNodes += isPowered - wasPowered;
    this.#poweredGpus += (isPowered - wasPowered) * gpus;
    this.#poweredGpusByTier[tier] += (isPowered - wasPowered) * gpus;
    this.#busyDevices += busy - old.busyDevices;
    this.#share += share - old.share;
    this.#shareByTier[tier] += share - old.share;
    old.pods = pods;
    old.busyDevices = busy;
    old.share = share;
    this.#fragDirty.add(name);
  }
}
