/**
 * The artifact's GpuPackingScore, three bands from high to low (integer arithmetic as in Go):
 *  1. the pod fits on partly used GPUs only: 100 − Σ(free% of the GPUs it takes)/10, at least 50;
 *  2. it must take fully free GPUs on a node in use: 50 − (fully free GPUs taken), at least 33;
 *  3. every GPU of the node is free: 33 − (free GPUs), at least the number of free GPUs.
 * The GPUs it takes are the ones with the least free that still fit, in ascending order of free
 * (a stable sort). CPU-only pods score 0. GPU choice: "best" (device-choice binpack).
 */
import type { NodeState, PodRequest } from "../../cluster/types.js";
import { productAllowed } from "../gpu-fit.js";
import { freeMilli, fullyFreeDevices, MILLI, podGpuMilli } from "./artifact-units.js";
import { intScoreSignal } from "./int-signal.js";

/** Free thousandths of the devices the pod could use, ascending (stable), written into `out`; their count. */
function sortedFree(pod: PodRequest, node: NodeState, out: Float64Array): number {
  let n = 0;
  for (let i = 0; i < node.devices.length; i++) {
    const gpu = node.view.gpus[i];
    if (gpu.memoryMiB <= 0 || !productAllowed(pod, gpu)) continue;
    const v = freeMilli(node.devices[i]);
    let j = n - 1;
    while (j >= 0 && out[j] > v) {
      out[j + 1] = out[j];
      j--;
    }
    out[j + 1] = v;
    n++;
  }
  return n;
}

export function gpuPackingScore(pod: PodRequest, node: NodeState, scratch?: Float64Array): number {
  const share = podGpuMilli(pod, node);
  if (share <= 0) return 0;
  const fullyFree = fullyFreeDevices(node);
  if (fullyFree === node.devices.length) return Math.max(Math.trunc(100 / 3) - fullyFree, fullyFree);
  const free =
    scratch !== undefined && scratch.length >= node.devices.length ? scratch : new Float64Array(node.devices.length);
  const n = sortedFree(pod, node, free);
  let want = pod.gpuCount;
  let fullyFreeTaken = 0;
  let freePercentTaken = 0;
  for (let k = 0; k < n && want > 0; k++) {
    if (share > free[k]) continue;
    want--;
    if (free[k] >= MILLI) fullyFreeTaken++;
    freePercentTaken += Math.trunc((free[k] * 100) / MILLI);
  }
  if (want !== 0) return 0;
  if (fullyFreeTaken > 0) return Math.max(50 - fullyFreeTaken, Math.trunc(100 / 3));
  return Math.max(100 - Math.trunc(freePercentTaken / 10), 50);
}

export const gpuPacking = intScoreSignal(
  "gpuPacking",
  () => new Float64Array(8),
  (pod, node, _ctx, scratch) => gpuPackingScore(pod, node, scratch),
);
