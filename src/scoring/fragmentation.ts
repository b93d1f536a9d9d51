/**
 * GPU fragmentation after Weng et al., "Beware of Fragmentation" (USENIX ATC '23), as their
 * artifact (hkust-adsl/kubernetes-scheduler-simulator, NodeGpuShareFragAmountScore) defines it.
 * A node's fragmentation for a workload mix is the idle GPU capacity the mix's typical pods,
 * weighted by frequency, cannot use there:
 *  - a typical pod that asks for no GPU, or does not fit (CPU, product, fewer devices with
 *    enough free than it needs), counts every idle GPU thousandth of the node;
 *  - a typical pod that fits counts only the idle thousandths of devices too small for it.
 * Units are thousandths of a device (free units × 1000 / capacity), so devices of different
 * memory compare; the result is in the same unit (1000 = one whole idle GPU).
 */
import type { NodeState } from "../cluster/types.js";
import { LatestStateCache } from "./state-cache.js";
import type { TypicalPod } from "./types.js";

/** A mix laid out for the hot loop: typed arrays, GPU thresholds sorted, scratch space reused. */
export interface CompiledMix {
  readonly source: readonly TypicalPod[];
  readonly size: number;
  readonly milliCpu: Float64Array;
  readonly gpuCount: Int32Array;
  readonly weight: Float64Array;
  /** Index into `thresholds`, or -1 for a pod that asks for no GPU. */
  readonly group: Int32Array;
  readonly products: readonly (readonly string[] | null)[];
  /** CPU (thousandths of a core) the mix's GPU pods ask per thousandth of a GPU: stranding.ts. */
  readonly milliCpuPerGpuMilli: number;
  /** Distinct per-device GPU requests (thousandths), ascending. */
  readonly thresholds: Float64Array;
  /** Per threshold: devices with at least that much free, and the free thousandths of the others. */
  readonly devicesAtLeast: Int32Array;
  readonly freeBelow: Float64Array;
  /** Free thousandths per device, sorted in place; grown to the largest node seen. */
  free: Float64Array;
}

const compiled = new WeakMap<readonly TypicalPod[], CompiledMix>();

/** The compiled form of a mix, built once per mix array (the mix is immutable once built). */
export function compileMix(mix: readonly TypicalPod[]): CompiledMix {
  const hit = compiled.get(mix);
  if (hit) return hit;
  const thresholds = [...new Set(mix.filter((p) => p.gpuCount > 0).map((p) => p.gpuMilli))].sort((a, b) => a - b);
  const out: CompiledMix = {
    source: mix,
    size: mix.length,
    milliCpu: Float64Array.from(mix, (p) => p.milliCpu),
    gpuCount: Int32Array.from(mix, (p) => p.gpuCount),
    weight: Float64Array.from(mix, (p) => p.weight),
    group: Int32Array.from(mix, (p) => (p.gpuCount > 0 ? thresholds.indexOf(p.gpuMilli) : -1)),
    products: mix.map((p) => (p.gpuProducts && p.gpuProducts.length > 0 ? p.gpuProducts : null)),
    milliCpuPerGpuMilli: mixCpuPerGpu(mix),
    thresholds: Float64Array.from(thresholds),
    devicesAtLeast: new Int32Array(thresholds.length),
    freeBelow: new Float64Array(thresholds.length),
    free: new Float64Array(8),
  };
  compiled.set(mix, out);
  return out;
}

/** Weighted CPU over weighted GPU of the mix's GPU pods; 0 when it has none. */
export function mixCpuPerGpu(mix: readonly TypicalPod[]): number {
  let cpu = 0;
  let gpu = 0;
  for (const p of mix) {
    if (p.gpuCount === 0) continue;
    cpu += p.weight * p.milliCpu;
    gpu += p.weight * p.gpuCount * p.gpuMilli;
  }
  return gpu > 0 ? cpu / gpu : 0;
}

interface Memo {
  readonly mix: CompiledMix;
  readonly value: number;
}

/** The last value per node state (and mix). */
const memo = new LatestStateCache<Memo>();

/** Fragmentation of the node as it stands (memoised per node object, version and mix). */
export function nodeFragmentation(node: NodeState, mix: readonly TypicalPod[] | CompiledMix): number {
  const m = "source" in mix ? mix : compileMix(mix);
  const hit = memo.get(node);
  if (hit !== undefined && hit.mix === m) return hit.value;
  const free = freeScratch(m, node.devices.length);
  const n = loadFree(node, free);
  const value = fragmentationOf(m, free, n, node.view.allocatable.milliCpu - node.requested.milliCpu, node);
  memo.set(node, { mix: m, value });
  return value;
}

/**
 * Fragmentation of the node after a pod takes `milliCpu` and `units[j]` on device `indices[j]`
 * for j < count: the "after" of the gradient, without copying the node.
 */
export function fragmentationAfter(
  node: NodeState,
  mix: CompiledMix,
  milliCpu: number,
  count: number,
  indices: Int32Array,
  units: Float64Array,
): number {
  const free = freeScratch(mix, node.devices.length);
  const n = loadFree(node, free);
  for (let j = 0; j < count; j++) {
    const d = node.devices[indices[j]];
    if (d.capacityUnits > 0) free[indices[j]] -= (units[j] * 1000) / d.capacityUnits;
  }
  return fragmentationOf(mix, free, n, node.view.allocatable.milliCpu - node.requested.milliCpu - milliCpu, node);
}

/** Idle GPU thousandths on the node: the denominator of a fragmentation rate. */
export function idleGpuMilli(node: NodeState): number {
  let total = 0;
  for (const d of node.devices) if (d.capacityUnits > 0) total += (d.freeUnits * 1000) / d.capacityUnits;
  return total;
}

function freeScratch(mix: CompiledMix, n: number): Float64Array {
  if (mix.free.length < n) mix.free = new Float64Array(Math.max(n, mix.free.length * 2));
  return mix.free;
}

function loadFree(node: NodeState, free: Float64Array): number {
  const devices = node.devices;
  for (let i = 0; i < devices.length; i++) {
    const d = devices[i];
    free[i] = d.capacityUnits > 0 ? (d.freeUnits * 1000) / d.capacityUnits : 0;
  }
  return devices.length;
}

/** The weighted sum over the mix; sorts `free[0..n)` in place. */
function fragmentationOf(mix: CompiledMix, free: Float64Array, n: number, cpuLeft: number, node: NodeState): number {
  // Insertion sort: n is a node's GPU count (≤ 8 in practice), so this beats any library sort.
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = free[i];
    total += v;
    let j = i - 1;
    while (j >= 0 && free[j] > v) {
      free[j + 1] = free[j];
      j--;
    }
    free[j + 1] = v;
  }
  if (total <= 0) return 0;
  const thresholds = mix.thresholds;
  let p = 0;
  let below = 0;
  for (let g = 0; g < thresholds.length; g++) {
    const t = thresholds[g];
    while (p < n && free[p] < t) below += free[p++];
    mix.devicesAtLeast[g] = n - p;
    mix.freeBelow[g] = below;
  }
  let frag = 0;
  for (let k = 0; k < mix.size; k++) {
    const g = mix.group[k];
    const usable =
      g >= 0 &&
      cpuLeft >= mix.milliCpu[k] &&
      mix.devicesAtLeast[g] >= mix.gpuCount[k] &&
      (mix.products[k] === null || offersProduct(node, mix.products[k] as readonly string[]));
    frag += mix.weight[k] * (usable ? mix.freeBelow[g] : total);
  }
  return frag;
}

/** The artifact gives a node one GPU type; ours may mix them, so any accepted device grants access. */
function offersProduct(node: NodeState, products: readonly string[]): boolean {
  for (const gpu of node.view.gpus) if (products.includes(gpu.product)) return true;
  return false;
}
