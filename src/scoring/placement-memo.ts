/**
 * A memo for the simulator's winner-only loop. Between two placements only one node changes,
 * and pods of the same shape get the same verdict and score on an unchanged node, so a replay of
 * ~11,000 pods over ~1,200 nodes mostly re-asks questions already answered. Per pod shape the
 * memo keeps one row aligned with the node array: the combined score of each node (-1 = it failed
 * a filter) and a stamp saying which version of the node it was computed for.
 *
 * Changes are found by identity (NodeStates are immutable snapshots: a change makes a new
 * object, ledger.ts), at the positions the ledger's change feed names when the memo follows one,
 * else at every position: the indices that changed are stamped and logged, and a row catches up
 * by reading the log from where it last stopped, so it computes only the nodes that changed
 * since its shape was last asked about. A row also keeps its winner, so a pick reads one index
 * instead of comparing every node.
 *
 * Valid only when the policy's signals depend on the pod through its shape (podShapeKey), as
 * tierfit's and the FGD baselines' do; a policy that reads, say, the pod's name must not use it,
 * unless it declares `shapeDetermined: false` (policy.ts): then only filter verdicts are reused.
 * Any change of policy, config, mix, demand snapshot, clock or node names clears the memo.
 */
import type { NodeChangeFeed, NodeState, PodRequest } from "../cluster/types.js";
import { effectiveTenant } from "./tenancy.js";
import type { ScoringContext } from "./types.js";

/**
 * Everything the built-in signals read from a pod, as one string: the tier it needs and the one
 * it runs at (which decides sharing across tenants), and the kind of device it takes (whole GPUs
 * only, passthrough resource, MIG profile), which the same request can differ in.
 */
export function podShapeKey(pod: PodRequest): string {
  const m = pod.gpuMemory;
  const r = pod.resources;
  const memory = m.kind === "mib" ? `${m.mib}Mi` : `${m.milli}m`;
  const products = pod.gpuProducts.length === 0 ? "" : pod.gpuProducts.join(",");
  return `${pod.gpuCount}|${memory}|${r.milliCpu}|${r.memoryBytes}|${r.pods}|${pod.tier}|${pod.sharingTier}|${gpuKindKey(pod)}|${effectiveTenant(pod)}|${pod.model ?? ""}|${pod.workloadClass}|${products}`;
}

/** How the pod takes GPUs (whole and alone, a passthrough resource, a MIG slice), for memo keys. */
export function gpuKindKey(pod: PodRequest): string {
  return `${pod.exclusive === true ? "x" : ""}${pod.passthroughResource === true ? "p" : ""}|${pod.migProfile ?? ""}`;
}

/** No winner known: the row's best must be found again by a scan. */
const UNKNOWN = -2;

/** One shape's answers, index-aligned with the node array. */
export class MemoRow {
  /**
   * The memo's change stamp of each node when its answer was computed (-1 = none yet). Stamps,
   * not node objects: a row holds no references, so old NodeStates die young.
   */
  readonly stamps: Float64Array;
  /** Combined 0..10 score, or -1 for a node that failed a filter. */
  readonly scores: Float64Array;
  /** Absolute position in the memo's change log up to which this row is current. */
  synced = -1;
  /** The winning index, -1 when no node passes, UNKNOWN after the winner's own score fell. */
  #best = -1;

  /** `nameRank`: each index's place in name order (equal names, equal rank), the last tie-break. */
  constructor(
    size: number,
    readonly nameRank: Int32Array,
  ) {
    this.stamps = new Float64Array(size).fill(-1);
    this.scores = new Float64Array(size);
  }

  /**
   * Records an answer and keeps the winner current without a scan where it can: a node that now
   * ranks above the winner takes its place; only a winner whose own score fell forces a scan
   * (once per placement of this shape, far fewer than the answers that change).
   */
  set(i: number, stamp: number, score: number): void {
    const old = this.scores[i];
    this.stamps[i] = stamp;
    this.scores[i] = score;
    const best = this.#best;
    if (best === UNKNOWN) return;
    if (i === best) {
      // Nothing else changed, so it stays the winner unless its own score fell.
      if (score < old) this.#best = UNKNOWN;
    } else if (score >= 0 && (best < 0 || this.#above(i, best))) this.#best = i;
  }

  /**
   * The winning index, -1 when none passes, in the runner's order (runner.ts): highest integer
   * score, then raw score, then name. The integer is Math.round of the raw score, which never
   * reverses an order, so the raw score alone ranks the same; then name, then index.
   */
  best(): number {
    if (this.#best === UNKNOWN) {
      const scores = this.scores;
      const rank = this.nameRank;
      let best = -1;
      let bestScore = -1;
      for (let i = 0; i < scores.length; i++) {
        const score = scores[i];
        if (score < bestScore || (score === bestScore && (score < 0 || rank[i] >= rank[best]))) continue;
        best = i;
        bestScore = score;
      }
      this.#best = best;
    }
    return this.#best;
  }

  /** Whether index `a` ranks above index `b` (best's order). */
  #above(a: number, b: number): boolean {
    const sa = this.scores[a];
    const sb = this.scores[b];
    if (sa !== sb) return sa > sb;
    if (this.nameRank[a] !== this.nameRank[b]) return this.nameRank[a] < this.nameRank[b];
    return a < b;
  }
}

/** Each index's place when the nodes are sorted by name; equal names share a rank. */
function nameRanks(nodes: readonly NodeState[]): Int32Array {
  const order = nodes.map((_, i) => i).sort((a, b) => compareNames(nodes[a].view.name, nodes[b].view.name));
  const rank = new Int32Array(nodes.length);
  for (let k = 1; k < order.length; k++) {
    const same = nodes[order[k]].view.name === nodes[order[k - 1]].view.name;
    rank[order[k]] = same ? rank[order[k - 1]] : k;
  }
  return rank;
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Layout numbers, unique across memos (PlacementMemo.layout). */
let layouts = 0;

/** More shapes than this and the memo starts over (a trace with endless distinct shapes). */
const MAX_SHAPES = 4096;

export class PlacementMemo {
  readonly #rows = new Map<string, MemoRow>();
  #policy: unknown;
  #config: unknown;
  #mix: unknown;
  #demand: unknown;
  #now = Number.NaN;
  /** The node array as of the last call, to tell which entries changed since. */
  #seen: NodeState[] = [];
  /** Per index, a number that changes whenever its node does (the change's log position). */
  #stamps = new Float64Array(0);
  /** Indices that changed, in order; `#logBase` is the absolute position of `#log[0]`. */
  #log: number[] = [];
  #logBase = 0;
  /** Each index's place in name order, for the rows' last tie-break (rebuilt when names move). */
  #nameRank: Int32Array = new Int32Array(0);
  #layout = 0;
  /** The feed's array `#seen` follows, and how many of its replacements it has taken in. */
  #feedNodes: readonly NodeState[] | null = null;
  #feedCount = -1;
  hits = 0;
  misses = 0;

  /**
   * `source`: the ledger whose live `nodes()` array the calls pass (optional). Its change feed
   * names the entries that changed, so a pick reads those instead of comparing every entry.
   */
  constructor(private readonly source?: { changeFeed(): NodeChangeFeed }) {}

  /**
   * The row for this shape, current for `nodes`: `score(node)` is called for every node the row
   * has no answer for (its combined score, or -1 when it fails a filter). MemoRow.best is the
   * winner; a policy whose scores vary per pod reads only the verdicts.
   */
  answers(
    shape: string,
    nodes: readonly NodeState[],
    ctx: ScoringContext,
    score: (node: NodeState) => number,
  ): MemoRow {
    this.#bind(ctx, nodes);
    this.#noteChanges(nodes);
    let row = this.#rows.get(shape);
    if (row === undefined) {
      if (this.#rows.size >= MAX_SHAPES) this.#rows.clear();
      row = new MemoRow(nodes.length, this.#nameRank);
      this.#rows.set(shape, row);
    }
    const before = this.misses;
    if (row.synced < this.#logBase) {
      for (let i = 0; i < nodes.length; i++) this.#refresh(row, i, nodes, score);
    } else {
      for (let k = row.synced - this.#logBase; k < this.#log.length; k++)
        this.#refresh(row, this.#log[k], nodes, score);
    }
    row.synced = this.#logBase + this.#log.length;
    this.hits += nodes.length - (this.misses - before);
    return row;
  }

  #refresh(row: MemoRow, i: number, nodes: readonly NodeState[], score: (node: NodeState) => number): void {
    const stamp = this.#stamps[i];
    if (row.stamps[i] === stamp) return;
    this.misses++;
    row.set(i, stamp, score(nodes[i]));
  }

  /**
   * A number that stays the same exactly as long as every position of the node array holds a
   * node of the same name (the memo starts over otherwise), unique across memos: what a signal
   * derives from names alone may be kept by position while it holds (Signal.bestEach).
   */
  get layout(): number {
    return this.#layout;
  }

  /** Starts over when the context or the number of nodes differs from the last call's. */
  #bind(ctx: ScoringContext, nodes: readonly NodeState[]): void {
    if (
      ctx.policy === this.#policy &&
      ctx.config === this.#config &&
      ctx.workloadMix === this.#mix &&
      ctx.demand === this.#demand &&
      ctx.now === this.#now &&
      nodes.length === this.#seen.length
    )
      return;
    this.#policy = ctx.policy;
    this.#config = ctx.config;
    this.#mix = ctx.workloadMix;
    this.#demand = ctx.demand;
    this.#now = ctx.now;
    this.#restart(nodes);
  }

  /** Forgets every row and takes `nodes` as the array to compare the next calls with. */
  #restart(nodes: readonly NodeState[]): void {
    this.#rows.clear();
    this.#seen = nodes.slice();
    // New rows have no answers (stamp -1), so they check every node once and read no old log.
    this.#stamps = new Float64Array(nodes.length);
    this.#nameRank = nameRanks(nodes);
    this.#layout = ++layouts;
    this.#logBase += this.#log.length + 1;
    this.#log = [];
  }

  /**
   * Stamps and logs the indices whose node differs from the last call's; trims the log when it
   * grows long. With a change feed for this very array, only the positions it names since the
   * last call are compared; otherwise every entry is. A different name at an index (nodes added,
   * removed or reordered) starts over: the rows order ties by name, and that order must not
   * shift under them.
   */
  #noteChanges(nodes: readonly NodeState[]): void {
    if (this.#log.length > 4 * nodes.length + 1024) {
      // Rows behind the new base resynchronise by checking every node's stamp once.
      this.#logBase += this.#log.length;
      this.#log = [];
    }
    const feed = this.source?.changeFeed();
    const current = feed !== undefined && feed.nodes === nodes;
    const end = current ? feed.base + feed.positions.length : -1;
    if (current && this.#feedNodes === nodes && this.#feedCount >= feed.base && this.#feedCount <= end) {
      for (let k = this.#feedCount - feed.base; k < feed.positions.length; k++) {
        if (!this.#note(nodes, feed.positions[k])) break;
      }
    } else {
      for (let i = 0; i < nodes.length; i++) if (!this.#note(nodes, i)) break;
    }
    this.#feedNodes = current ? nodes : null;
    this.#feedCount = end;
  }

  /** Stamps and logs index `i` if its node changed; false when it started over instead. */
  #note(nodes: readonly NodeState[], i: number): boolean {
    const node = nodes[i];
    const before = this.#seen[i];
    if (before === node) return true;
    if (before.view.name !== node.view.name) {
      this.#restart(nodes);
      return false;
    }
    this.#seen[i] = node;
    this.#stamps[i] = this.#logBase + this.#log.length;
    this.#log.push(i);
    return true;
  }
}
