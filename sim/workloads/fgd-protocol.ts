/**
 * The FGD paper's evaluation protocol (Weng et al., ATC '23), as its artifact
 * (hkust-adsl/kubernetes-scheduler-simulator) runs it on the openb trace; the steps are listed in
 * config/scenarios/data/alibaba-openb/README.md. Pods arrive one at a time in a seeded random
 * order and never leave; the list is inflated with resampled clones to 130 % of GPU capacity.
 *
 * What we cannot reproduce: the artifact draws from Go's global math/rand, seeded once and shared
 * by the shuffle, the inflation and the node order. We use our own xoshiro128** streams (one per
 * step, derived from the seed), so the same seed gives a different, equally random order than
 * the artifact; every other rule, including its quirks, is kept as the artifact has it.
 */
import { TierfitError } from "../../src/errors.js";
import { type IntSource, Random } from "../random.js";
import { type OpenbNode, type OpenbPod, podGpuMilli } from "./openb.js";

/** A request shape of the original list and how often it occurs (weights sum to 1). */
export interface TypicalPod {
  readonly milliCpu: number;
  readonly gpuMilli: number;
  readonly gpuCount: number;
  /** The pod's GPU-model constraint as the trace writes it (`V100M16|V100M32`); "" = any. */
  readonly model: string;
  readonly weight: number;
}

/** The artifact's experiments inflate to 130 % of GPU capacity. */
export const FGD_INFLATION = 1.3;
/** …and take typical pods until 95 % of the original pods are covered. */
export const FGD_TYPICAL_COVERAGE_PERCENT = 95;

/**
 * The arrival sequence of one seeded run: pods sorted by name, shuffled, then inflated (or
 * thinned) to `inflation` × the nodes' GPU capacity. Clones are named `<name>-tuned-<i>`.
 */
export function fgdArrivals(
  pods: readonly OpenbPod[],
  nodes: readonly OpenbNode[],
  seed: number,
  inflation: number = FGD_INFLATION,
): OpenbPod[] {
  const byName = podsByName(pods);
  const rng = Random.stream(seed, "openb/fgd-arrivals");
  const shuffled = rng.shuffle([...byName]);
  return tuneArrivals(shuffled, byName, gpuCapacityMilli(nodes), inflation, rng);
}

/**
 * The artifact's "tune" step. Below the target it appends clones of uniformly drawn original
 * pods until the next clone would pass it; above, it removes uniformly drawn pods until it is
 * no longer above. `inflation` ≤ 0 means no tuning, as in the artifact.
 *
 * Quirk kept on purpose: the stop test adds the candidate's *per-GPU* milli (gpu_milli) to the
 * running total, but the total then grows by its *whole* demand (num_gpu × gpu_milli), so a
 * multi-GPU clone can carry the total up to 7,000 milli past the target.
 */
export function tuneArrivals(
  arrivals: readonly OpenbPod[],
  originals: readonly OpenbPod[],
  capacityMilli: number,
  inflation: number,
  rng: IntSource,
): OpenbPod[] {
  const out = [...arrivals];
  if (inflation <= 0) return out;
  if (!(capacityMilli > 0)) throw new TierfitError("TF_ERR_INPUT", "cannot tune arrivals: the cluster has no GPUs");
  const target = inflation * capacityMilli;
  let total = 0;
  for (const pod of out) total += podGpuMilli(pod);
  if (total < target) {
    if (!originals.some((p) => p.gpuMilli > 0)) {
      throw new TierfitError(
        "TF_ERR_INPUT",
        "cannot inflate arrivals to a GPU target: no pod in the list asks for a GPU",
      );
    }
    for (let i = 0; ; i++) {
      const source = originals[rng.int(originals.length)];
      if (total + source.gpuMilli > target) break;
      total += podGpuMilli(source);
      out.push({ ...source, name: `${source.name}-tuned-${i}` });
    }
  } else {
    while (total > target) {
      const index = rng.int(out.length);
      total -= podGpuMilli(out[index]);
      out.splice(index, 1);
    }
  }
  return out;
}

/**
 * The order in which a run breaks score ties between nodes: nodes sorted by name, then given a
 * random permutation rank (the artifact prefixes names with it, `%04d-`, and lets the smallest
 * name win). The lowest rank comes first, so `result[0]` wins every tie it is part of.
 */
export function fgdNodeTieOrder(nodes: readonly OpenbNode[], seed: number): OpenbNode[] {
  const byName = sortedByName(nodes);
  const rank = Random.stream(seed, "openb/fgd-node-order").shuffle(byName.map((_, i) => i));
  const ordered: OpenbNode[] = new Array(byName.length);
  byName.forEach((node, i) => {
    ordered[rank[i]] = node;
  });
  return ordered;
}

/**
 * The artifact's GetTypicalPods with its experiment settings (CPU-only pods included, step 1):
 * request shapes keyed by (CPU, GPU milli, GPU count, GPU model), most frequent first, taken
 * until they cover `coveragePercent` of the pods, weights renormalised over those taken.
 * Equal counts are ordered by the larger shape first (CPU, then GPU milli, count, model), the
 * artifact's sort.Reverse of its Less.
 */
export function typicalPods(
  pods: readonly OpenbPod[],
  coveragePercent: number = FGD_TYPICAL_COVERAGE_PERCENT,
): TypicalPod[] {
  const shapes = new Map<
    string,
    { milliCpu: number; gpuMilli: number; gpuCount: number; model: string; count: number }
  >();
  for (const pod of pods) {
    const model = pod.gpuSpec.join("|");
    const key = `${pod.milliCpu}/${pod.gpuMilli}/${pod.gpuCount}/${model}`;
    const shape = shapes.get(key);
    if (shape) shape.count++;
    else shapes.set(key, { milliCpu: pod.milliCpu, gpuMilli: pod.gpuMilli, gpuCount: pod.gpuCount, model, count: 1 });
  }
  const list = [...shapes.values()].sort(
    (a, b) =>
      b.count - a.count ||
      b.milliCpu - a.milliCpu ||
      b.gpuMilli - a.gpuMilli ||
      b.gpuCount - a.gpuCount ||
      (a.model < b.model ? 1 : a.model > b.model ? -1 : 0),
  );
  const total = pods.length;
  const expected = (coveragePercent * total) / 100;
  let covered = 0;
  let taken = 0;
  while (covered < expected && taken < list.length) covered += list[taken++].count;
  // The artifact divides twice (by the total, then by the covered share); kept for equal floats.
  const share = taken >= list.length ? 1 : covered / total;
  return list.slice(0, taken).map(({ count, ...shape }) => ({ ...shape, weight: count / total / share }));
}

/** GPU capacity of the nodes in thousandths of a GPU. */
export function gpuCapacityMilli(nodes: readonly OpenbNode[]): number {
  let gpus = 0;
  for (const node of nodes) gpus += node.gpus;
  return gpus * 1000;
}

/** Sorted by name the way Go compares strings (byte order, which is code-unit order for ASCII names). */
/** The list sorted by name, once per list: every seed of a sweep starts from it. Read-only. */
const byNameCache = new WeakMap<readonly OpenbPod[], readonly OpenbPod[]>();

function podsByName(pods: readonly OpenbPod[]): readonly OpenbPod[] {
  let sorted = byNameCache.get(pods);
  if (sorted === undefined) {
    sorted = sortedByName(pods);
    byNameCache.set(pods, sorted);
  }
  return sorted;
}

function sortedByName<T extends { readonly name: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
