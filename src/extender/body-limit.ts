/**
 * How large a request body the extender accepts by default: kube-scheduler with
 * nodeCacheCapable: false sends every candidate node in full, and the limit must fit a
 * 5,000-node cluster. A GPU node with GPU Feature Discovery and NFD labels, managed fields and
 * 20 cached images is 13.5 KB of compact JSON (test/extender/fixtures/gpu-node.json); kubelet
 * reports up to 50 images, which takes a node to about 24 KB.
 */
export const BYTES_PER_FULL_NODE = 24 * 1024;
export const FULL_NODES_TO_FIT = 5_000;
/** Room for the pod and the envelope. */
const ENVELOPE_BYTES = 1024 * 1024;

export const DEFAULT_BODY_LIMIT = FULL_NODES_TO_FIT * BYTES_PER_FULL_NODE + ENVELOPE_BYTES;

/**
 * Nodes one full-mode request may list. Each costs tierfit about 4 KB while it is judged (its
 * parsed object, view, state and verdict), so 20,000 stay well inside the shipped 384 MiB heap;
 * 100,000 small nodes fit the body limit but not the heap. Larger clusters use names mode.
 */
export const MAX_FULL_NODES = 20_000;

/** Names one names-mode request may list: far beyond any cluster kube-scheduler runs. */
export const MAX_NODE_NAMES = 100_000;
