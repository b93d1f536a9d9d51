/**
 * Node states the extender builds itself, outside the ledger: a node from a full-`Nodes` request
 * (the body's view with the ledger's allocations when tierfit knows the node), and the "what if
 * these victims were gone" state preemption is judged on. Pure.
 */
import { mibToUnits } from "../cluster/gpu-units.js";
import type { Allocation, NodeState, NodeView } from "../cluster/types.js";

export function emptyNodeState(view: NodeView): NodeState {
  return {
    view,
    devices: view.gpus.map((g) => {
      const capacityUnits = mibToUnits(g.memoryMiB);
      return { index: g.index, product: g.product, capacityUnits, freeUnits: capacityUnits, occupants: [] };
    }),
    requested: { milliCpu: 0, memoryBytes: 0, pods: 0 },
    version: 0,
  };
}

function sameDevices(view: NodeView, known: NodeState): boolean {
  return (
    view.gpus.length === known.devices.length &&
    view.gpus.every((g, i) => mibToUnits(g.memoryMiB) === known.devices[i].capacityUnits)
  );
}

/**
 * The node a request body describes, with what tierfit knows is allocated on it. When the body
 * and the cache disagree on the devices (the node changed and the informer has not caught up),
 * the cache's own state wins: its allocations are only meaningful against its own device list.
 */
export function stateForRequestNode(view: NodeView, known: NodeState | undefined): NodeState {
  if (known === undefined) return emptyNodeState(view);
  if (!sameDevices(view, known)) return known;
  return { ...known, view };
}

/** The node as it would be with the given pods gone (their allocations on this node released). */
export function withoutPods(state: NodeState, victims: readonly Allocation[]): NodeState {
  const onNode = victims.filter((a) => a.node === state.view.name);
  if (onNode.length === 0) return state;
  const gone = new Set(onNode.map((a) => a.podKey));
  const devices = state.devices.map((d) => {
    if (!d.occupants.some((o) => gone.has(o.podKey))) return d;
    const occupants = d.occupants.filter((o) => !gone.has(o.podKey));
    // As the ledger computes it: an over-committed device has 0 free, never a negative amount.
    const used = occupants.reduce((sum, o) => sum + o.units, 0);
    return { ...d, freeUnits: Math.max(0, d.capacityUnits - used), occupants };
  });
  const requested = onNode.reduce(
    (r, a) => ({ milliCpu: r.milliCpu - a.milliCpu, memoryBytes: r.memoryBytes - a.memoryBytes, pods: r.pods - 1 }),
    state.requested,
  );
  return { view: state.view, devices, requested, version: state.version };
}
