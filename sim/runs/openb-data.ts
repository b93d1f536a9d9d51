/** The openb lists a scenario names, cut to its `firstNodes` / `firstPods`, and the GPU memory table they need. */
import type { TierfitConfig } from "../../src/config/schema.js";
import { UNDISCLOSED_GPU_MEMORY_MIB } from "../cluster/openb-views.js";
import type { OpenbSection } from "../scenario/schema.js";
import { loadOpenbNodes, loadOpenbPods, type OpenbNode, type OpenbPod } from "../workloads/openb.js";

export interface OpenbTrace {
  readonly nodes: readonly OpenbNode[];
  readonly pods: readonly OpenbPod[];
}

/**
 * Parsed once per scenario section: every run of a sweep (on one worker thread, which gets the
 * scenario once) replays the same lists, and parsing them costs about as much as a simple
 * baseline's whole run. Read-only: runs shuffle copies.
 */
const parsed = new WeakMap<OpenbSection, OpenbTrace>();

export function loadOpenbTrace(section: OpenbSection): OpenbTrace {
  let trace = parsed.get(section);
  if (trace === undefined) {
    const nodes = loadOpenbNodes(section.nodes);
    const pods = loadOpenbPods(section.pods);
    trace = {
      nodes: section.firstNodes === undefined ? nodes : nodes.slice(0, section.firstNodes),
      pods: section.firstPods === undefined ? pods : pods.slice(0, section.firstPods),
    };
    parsed.set(section, trace);
  }
  return trace;
}

/** Device memory by GPU model: the undisclosed models' assumption, under the config's table, under the scenario's. */
export function productMemory(config: TierfitConfig, section: OpenbSection): Record<string, number> {
  return { ...UNDISCLOSED_GPU_MEMORY_MIB, ...config.gpu.productMemoryMiB, ...section.gpuMemoryMiB };
}
