/**
 * Every signal, in the order filters run: cheap and unresolvable first (tier), then GPUs, then
 * CPU/memory, then the signals that only score. Names match the config's SIGNAL_NAMES.
 */
import type { Signal } from "../types.js";
import { consolidation } from "./consolidation.js";
import { fragmentation } from "./fragmentation.js";
import { gpuMemory } from "./gpu-memory.js";
import { isolationTier } from "./isolation-tier.js";
import { liveDemand } from "./live-demand.js";
import { resourcesFit } from "./resources-fit.js";
import { stranding } from "./stranding.js";

export const SIGNALS: readonly Signal[] = [
  isolationTier,
  gpuMemory,
  resourcesFit,
  liveDemand,
  fragmentation,
  stranding,
  consolidation,
];

export { consolidation, fragmentation, gpuMemory, isolationTier, liveDemand, resourcesFit, stranding };
