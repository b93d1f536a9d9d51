/**
 * How much tierfit models of one object, whatever a request body or the API server sends. Beyond
 * these a node or pod is refused with a reason instead of being modelled: a node advertising
 * 3,000,000 GPUs would otherwise become 3,000,000 device objects and exhaust the heap.
 */

/**
 * GPUs one node may advertise. Eight physical GPUs shared 128 ways by time-slicing or MPS
 * replicas make 1,024 schedulable `nvidia.com/gpu`; no real node comes near.
 */
export const MAX_GPUS_PER_NODE = 1024;

/** A pod's GPUs must fit on one node. */
export const MAX_GPUS_PER_POD = MAX_GPUS_PER_NODE;

/** Object names (DNS subdomain, RFC 1123), as the API server enforces them. */
export const MAX_NAME_LENGTH = 253;

/** Namespaces and label values (DNS label, RFC 1123), as the API server enforces them. */
export const MAX_LABEL_VALUE_LENGTH = 63;

/** A label key: an optional 253-character DNS prefix, a slash and a 63-character name. */
export const MAX_LABEL_KEY_LENGTH = 253 + 1 + 63;

/** An annotation tierfit reads (a quantity, a tier name, a list of GPU products). */
export const MAX_READ_ANNOTATION_LENGTH = 1024;
