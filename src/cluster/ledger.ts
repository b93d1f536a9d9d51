/**
 * Who holds what on which GPU device. The invariant: `assign` never drives a device past its
 * capacity and `release` gives back exactly what was taken. `restore` records the API server's
 * truth (a pod seen bound) without checks, so a conflict it creates is shown, not hidden.
 *
 * NodeStates are immutable snapshots: every change to a node builds a new one with a higher
 * `version` (from one ledger-wide counter, so a name + version pair never repeats, even after a
 * node leaves and returns). Readers in hot loops get plain fields and arrays.
 */
import type { Rejection } from "../scoring/types.js";
import { formatUnits, mibToUnits } from "./gpu-units.js";
import type { Allocation, DeviceOccupant, DeviceState, NodeChangeFeed, NodeState, NodeView } from "./types.js";

const SIGNAL = "ledger";

export class AllocationLedger {
  readonly #views = new Map<string, NodeView>();
  readonly #states = new Map<string, NodeState>();
  readonly #allocations = new Map<string, Allocation>();
  /** Pod keys per node name, in arrival order; kept for unknown nodes too (pending allocations). */
  readonly #podsByNode = new Map<string, Set<string>>();
  /** Nodes the cluster has that tierfit cannot model, with why (refuseNode). */
  readonly #refused = new Map<string, string>();
  #clock = 0;
  #changes = 0;
  #sortedNames: string[] | null = null;
  #sortedStates: NodeState[] | null = null;
  /** Position of each node in #sortedStates, so a change replaces one entry instead of re-sorting. */
  #sortedIndex: Map<string, number> | null = null;
  /** NodeChangeFeed of #sortedStates. */
  #feedBase = 0;
  #feedPositions: number[] = [];
  /** Summed over the nodes with some GPU allocated: requested CPU and allocated GPU thousandths (cpuPerGpu). */
  #gpuNodesMilliCpu = 0;
  #gpuNodesGpuMilli = 0;

  /** Adds a node, or replaces its view (labels, GPUs) keeping its allocations. */
  upsertNode(view: NodeView): void {
    view.gpus.forEach((g, i) => {
      if (g.index !== i)
        throw new Error(`node ${view.name}: gpus[${i}] has index ${g.index}; views must be index-aligned`);
    });
    if (!this.#views.has(view.name)) this.#forgetOrder();
    this.#refused.delete(view.name);
    this.#views.set(view.name, view);
    this.#rebuild(view.name);
  }

  /** Forgets the node; its allocations stay recorded and count again if the node returns. */
  removeNode(name: string): void {
    this.#refused.delete(name);
    if (!this.#views.delete(name)) return;
    this.#count(this.#states.get(name), -1);
    this.#states.delete(name);
    this.#changes++;
    this.#forgetOrder();
  }

  /**
   * A node whose object tierfit cannot model (e.g. more GPUs than it models on one node): it is
   * left out, as if removed, and `refusal` says why until the node is upserted again or removed.
   */
  refuseNode(name: string, reason: string): void {
    this.removeNode(name);
    this.#refused.set(name, reason);
  }

  refusal(name: string): string | undefined {
    return this.#refused.get(name);
  }

  node(name: string): NodeState | undefined {
    return this.#states.get(name);
  }

  /**
   * CPU (thousandths of a core) requested per allocated GPU thousandth, over the nodes where some
   * GPU is allocated: what the cluster's GPU work asks of a GPU's CPU, CPU-only pods on those
   * nodes included (they spend the CPU the GPUs need too); 0 while less than a thousandth of a
   * GPU is allocated (the sums are kept by adding and taking out, so an empty cluster may leave
   * rounding dust).
   */
  cpuPerGpu(): number {
    return this.#gpuNodesGpuMilli >= 1 ? this.#gpuNodesMilliCpu / this.#gpuNodesGpuMilli : 0;
  }

  /**
   * Grows whenever `node()` could answer differently for any name (a state replaced, a node
   * removed): equal counts mean every lookup made in between still holds, so a caller can keep
   * the states it looked up instead of looking them up again.
   */
  get changes(): number {
    return this.#changes;
  }

  /**
   * Every known node, sorted by name. The array is live: when a node's allocations change, its
   * entry is replaced in place (the hot loops of both drivers call this once per pod), so read
   * it within one decision rather than holding it across changes.
   */
  nodes(): readonly NodeState[] {
    if (this.#sortedNames === null) this.#sortedNames = [...this.#states.keys()].sort();
    if (this.#sortedStates === null) {
      this.#sortedStates = this.#sortedNames.map((n) => this.#states.get(n)!);
      this.#sortedIndex = new Map(this.#sortedNames.map((n, i) => [n, i]));
    }
    return this.#sortedStates;
  }

  #forgetOrder(): void {
    this.#sortedNames = null;
    this.#sortedStates = null;
    this.#sortedIndex = null;
    // A new array: the gap tells readers of the old one that they have lost track.
    this.#feedBase += this.#feedPositions.length + 1;
    this.#feedPositions = [];
  }

  /** The live array and the positions replaced in it (NodeChangeFeed). */
  changeFeed(): NodeChangeFeed {
    return { nodes: this.nodes(), base: this.#feedBase, positions: this.#feedPositions };
  }

  /** Records a placement tierfit chose, if it fits; on rejection nothing changes. */
  assign(alloc: Allocation): Rejection | null {
    const held = this.#allocations.get(alloc.podKey);
    if (held) return reject(`pod ${alloc.podKey} already holds an allocation on node ${held.node}`, true);
    const state = this.#states.get(alloc.node);
    if (!state) return reject(`node ${alloc.node} is not in the cluster cache`, true);
    const devices = alloc.devices;
    for (let k = 0; k < devices.length; k++) {
      const d = devices[k];
      const device = Number.isInteger(d.index) ? state.devices[d.index] : undefined;
      if (!device) {
        return reject(`node ${alloc.node} has no GPU device ${d.index} (it has ${state.devices.length})`, true);
      }
      // A handful of devices: a scan beats allocating a set on every placement.
      for (let j = 0; j < k; j++) {
        if (devices[j].index === d.index) return reject(`device ${d.index} is assigned twice in one allocation`, true);
      }
      if (!Number.isInteger(d.units) || d.units < 0) {
        return reject(`device ${d.index}: ${d.units} is not a whole, non-negative number of memory units`, true);
      }
      if (d.units > device.freeUnits) {
        return reject(
          `node ${alloc.node} device ${d.index}: needs ${formatUnits(d.units)}; ` +
            `${formatUnits(device.freeUnits)} free of ${formatUnits(device.capacityUnits)}`,
          false,
        );
      }
    }
    this.#record(alloc, true);
    return null;
  }

  /**
   * The node after `alloc` is added to it: only the devices it touches are copied, the rest are
   * shared with the previous snapshot. Equal to a rebuild from scratch (the new pod is the last
   * in arrival order, and assign has checked that every device has the room), at a fraction of
   * its cost on a node holding many pods.
   */
  #grown(state: NodeState, alloc: Allocation): NodeState {
    const devices = state.devices.slice();
    for (const d of alloc.devices) {
      const device = devices[d.index];
      const occupants = device.occupants.slice();
      occupants.push(occupantOf(alloc, d.units));
      devices[d.index] = {
        index: device.index,
        product: device.product,
        capacityUnits: device.capacityUnits,
        freeUnits: device.freeUnits - d.units,
        occupants,
      };
    }
    const r = state.requested;
    return {
      view: state.view,
      devices,
      requested: {
        milliCpu: r.milliCpu + alloc.milliCpu,
        memoryBytes: r.memoryBytes + alloc.memoryBytes,
        pods: r.pods + (alloc.pods ?? 1),
      },
      version: ++this.#clock,
      freeUnitsDesc: state.freeUnitsDesc && freeUnitsDesc(devices),
      alikeGpuMemoryMiB: state.alikeGpuMemoryMiB,
      alikeGpuProduct: state.alikeGpuProduct,
    };
  }

  /** Records the API server's truth: replaces any allocation of that pod, never rejects. */
  restore(alloc: Allocation): void {
    this.release(alloc.podKey);
    this.#record(alloc);
  }

  release(podKey: string): Allocation | undefined {
    const alloc = this.#allocations.get(podKey);
    if (!alloc) return undefined;
    this.#allocations.delete(podKey);
    const pods = this.#podsByNode.get(alloc.node)!;
    pods.delete(podKey);
    if (pods.size === 0) this.#podsByNode.delete(alloc.node);
    this.#rebuild(alloc.node);
    return alloc;
  }

  allocation(podKey: string): Allocation | undefined {
    return this.#allocations.get(podKey);
  }

  /** Every recorded allocation, including those on nodes not (or no longer) known. */
  allocations(): Iterable<Allocation> {
    return this.#allocations.values();
  }

  /** Devices driven over capacity or missing, in words: "node gpu-7 device 2: 3 pods hold 90 GiB of 80 GiB". */
  conflicts(): readonly string[] {
    const lines: string[] = [];
    for (const state of this.nodes()) {
      for (const device of state.devices) {
        let used = 0;
        for (const o of device.occupants) used += o.units;
        if (used <= device.capacityUnits) continue;
        const n = device.occupants.length;
        lines.push(
          `node ${state.view.name} device ${device.index}: ${n} pod${n === 1 ? " holds" : "s hold"} ` +
            `${formatUnits(used)} of ${formatUnits(device.capacityUnits)}`,
        );
      }
      for (const key of this.#podsByNode.get(state.view.name) ?? []) {
        for (const d of this.#allocations.get(key)!.devices) {
          if (state.devices[d.index]) continue;
          lines.push(
            `node ${state.view.name}: pod ${key} holds device ${d.index}, ` +
              `which the node does not have (it has ${state.devices.length})`,
          );
        }
      }
    }
    return lines;
  }

  /** `checked`: assign has verified the allocation fits, so the node grows instead of being rebuilt. */
  #record(alloc: Allocation, checked = false): void {
    this.#allocations.set(alloc.podKey, alloc);
    let pods = this.#podsByNode.get(alloc.node);
    if (!pods) {
      pods = new Set();
      this.#podsByNode.set(alloc.node, pods);
    }
    pods.add(alloc.podKey);
    const state = this.#states.get(alloc.node);
    if (checked && state !== undefined) this.#replace(alloc.node, this.#grown(state, alloc));
    else this.#rebuild(alloc.node);
  }

  /** A fresh snapshot of one node from its view and its allocations. */
  #rebuild(name: string): void {
    const view = this.#views.get(name);
    if (!view) return;
    const devices = view.gpus.map((g) => ({
      index: g.index,
      product: g.product,
      capacityUnits: mibToUnits(g.memoryMiB),
      freeUnits: 0,
      occupants: [] as Mutable<DeviceOccupant>[],
    }));
    const used: number[] = devices.map(() => 0);
    let milliCpu = 0;
    let memoryBytes = 0;
    let pods = 0;
    for (const key of this.#podsByNode.get(name) ?? []) {
      const a = this.#allocations.get(key)!;
      milliCpu += a.milliCpu;
      memoryBytes += a.memoryBytes;
      pods += a.pods ?? 1;
      for (const d of a.devices) {
        const device = devices[d.index];
        if (!device) continue; // a device the node no longer has: listed by conflicts()
        const last = device.occupants[device.occupants.length - 1];
        // One occupant per pod and device, even if a restored allocation names the device twice.
        if (last?.podKey === a.podKey) last.units += d.units;
        else device.occupants.push(occupantOf(a, d.units));
        used[d.index] += d.units;
      }
    }
    devices.forEach((device, i) => {
      device.freeUnits = Math.max(0, device.capacityUnits - used[i]);
    });
    this.#replace(name, {
      view,
      devices: devices as DeviceState[],
      requested: { milliCpu, memoryBytes, pods },
      version: ++this.#clock,
      ...alikeGpus(view, devices),
    });
  }

  /** Adds (sign 1) or takes out (-1) a node's part of cpuPerGpu. */
  #count(state: NodeState | undefined, sign: 1 | -1): void {
    if (state === undefined) return;
    let allocated = 0;
    for (const d of state.devices) {
      if (d.capacityUnits > 0) allocated += ((d.capacityUnits - d.freeUnits) * 1000) / d.capacityUnits;
    }
    if (allocated <= 0) return;
    this.#gpuNodesMilliCpu += sign * state.requested.milliCpu;
    this.#gpuNodesGpuMilli += sign * allocated;
  }

  #replace(name: string, state: NodeState): void {
    this.#count(this.#states.get(name), -1);
    this.#count(state, 1);
    this.#states.set(name, state);
    this.#changes++;
    const at = this.#sortedIndex?.get(name);
    if (this.#sortedStates === null || at === undefined) {
      this.#forgetOrder();
      return;
    }
    this.#sortedStates[at] = state;
    if (this.#feedPositions.length > 4 * this.#sortedStates.length + 1024) {
      this.#feedBase += this.#feedPositions.length;
      this.#feedPositions = [];
    }
    this.#feedPositions.push(at);
  }
}

/**
 * NodeState.freeUnitsDesc and the GPU it describes, when every GPU has the same product and a
 * known memory size and is taken by memory alone (no replicas, MIG slices or passthrough).
 */
function alikeGpus(view: NodeView, devices: readonly DeviceState[]) {
  const first = view.gpus[0];
  const alike =
    first !== undefined &&
    view.passthrough !== true &&
    view.gpus.every(
      (g) =>
        g.memoryMiB > 0 &&
        g.memoryMiB === first.memoryMiB &&
        g.product === first.product &&
        g.replicas === undefined &&
        g.migProfile === undefined,
    );
  // The same keys either way, in one order: every snapshot has one shape for the hot loops.
  return {
    freeUnitsDesc: alike ? freeUnitsDesc(devices) : undefined,
    alikeGpuMemoryMiB: alike ? first.memoryMiB : undefined,
    alikeGpuProduct: alike ? first.product : undefined,
  };
}

/** Insertion sort: a node has a handful of devices, and Array.sort allocates more than it sorts. */
function freeUnitsDesc(devices: readonly DeviceState[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < devices.length; i++) {
    const free = devices[i].freeUnits;
    out.push(free);
    let j = i;
    for (; j > 0 && out[j - 1] < free; j--) out[j] = out[j - 1];
    out[j] = free;
  }
  return out;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function reject(reason: string, unresolvable: boolean): Rejection {
  return { signal: SIGNAL, reason, unresolvable };
}

function occupantOf(a: Allocation, units: number): Mutable<DeviceOccupant> {
  return {
    podKey: a.podKey,
    tenant: a.tenant,
    sharingTier: a.sharingTier,
    units,
    model: a.model ?? null,
    gpus: a.devices.length,
  };
}
