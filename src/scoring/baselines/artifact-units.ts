/**
 * The FGD artifact's view of nodes and pods (hkust-adsl/kubernetes-scheduler-simulator,
 * simontype.NodeResource / PodResource): CPU in thousandths of a core, GPU in thousandths of a
 * device, per device. Our ledger counts GPU memory in units (types.ts); a device's free share is
 * its free units over its capacity, exact for the trace's thousandths.
 */
import { unitsOnDevice } from "../../cluster/gpu-units.js";
import type { DeviceState, NodeState, PodRequest } from "../../cluster/types.js";

/** One whole device, in the artifact's thousandths. */
export const MILLI = 1000;
/** The artifact's normalisers (open-gpu-share utils.MaxSpecCpu / MaxSpecGpu): 128 cores, 8 GPUs. */
export const MAX_SPEC_CPU = 128_000;
export const MAX_SPEC_GPU = 8_000;
/** kube's non-zero CPU request (schedutil.DefaultMilliCPURequest) the artifact scores a pod without one at. */
export const DEFAULT_MILLI_CPU = 100;

/** CPU the artifact scores the pod at: its request, or 0.1 core when it requests none. */
export function podMilliCpu(pod: PodRequest): number {
  return pod.resources.milliCpu > 0 ? pod.resources.milliCpu : DEFAULT_MILLI_CPU;
}

/** CPU left on the node (allocatable minus the pods' requests). */
export function milliCpuLeft(node: NodeState): number {
  return node.view.allocatable.milliCpu - node.requested.milliCpu;
}

/** A device's free share in thousandths (0 for a device of unknown size). */
export function freeMilli(device: DeviceState): number {
  return device.capacityUnits > 0 ? (device.freeUnits * MILLI) / device.capacityUnits : 0;
}

export function totalFreeMilli(node: NodeState): number {
  let total = 0;
  for (let i = 0; i < node.devices.length; i++) total += freeMilli(node.devices[i]);
  return total;
}

export function fullyFreeDevices(node: NodeState): number {
  let n = 0;
  for (const d of node.devices) if (d.capacityUnits > 0 && d.freeUnits >= d.capacityUnits) n++;
  return n;
}

/**
 * The pod's share of each of its GPUs in thousandths (the artifact's PodResource.MilliGpu). A
 * share request is that share; an absolute request is what it takes of this node's first device.
 */
export function podGpuMilli(pod: PodRequest, node: NodeState): number {
  if (pod.gpuCount === 0) return 0;
  const req = pod.gpuMemory;
  if (req.kind === "milli") return req.milli;
  const device = node.devices[0];
  if (device === undefined || device.capacityUnits <= 0) return MILLI;
  return (unitsOnDevice(req, node.view.gpus[0].memoryMiB) * MILLI) / device.capacityUnits;
}

/** Whether the pod takes part of one GPU (the artifact's IsGpuShare). */
export function sharesOneGpu(pod: PodRequest): boolean {
  if (pod.gpuCount !== 1) return false;
  return pod.gpuMemory.kind === "mib" || pod.gpuMemory.milli < MILLI;
}
