/**
 * Consolidation: keep GPUs that already work busy before waking idle ones. GPU-hours are paid
 * per powered node, and a cluster autoscaler can only remove a node nobody uses, so a pod sent
 * to a node whose GPUs are all idle keeps all of them powered. Score: 10 minus the GPUs the
 * placement puts to use on such a node (a pod on an 8-GPU idle node scores 2, on a 2-GPU one 8);
 * 10 on a node where some GPU is already allocated, or that has no GPUs. "Idle" is read from the
 * GPUs, not from pod counts: every node of a real cluster runs DaemonSet pods.
 */
import type { NodeState } from "../../cluster/types.js";
import type { Signal } from "../types.js";

/** The GPUs a pod placed here would wake: all of the node's when none is allocated, else none. */
export function gpusWoken(node: NodeState): number {
  for (const d of node.devices) if (d.occupants.length > 0) return 0;
  return node.devices.length;
}

export const consolidation: Signal<null> = {
  name: "consolidation",
  normalize: "fixed",
  preScore: () => null,
  filter: () => null,
  fits: () => true,
  filters: false,
  score: (_pod, node) => Math.max(0, 10 - gpusWoken(node)),
};
