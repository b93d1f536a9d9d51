/**
 * Finds the ledger's positions for the names of a names-mode request (nodeCacheCapable: true).
 *
 * A hash lookup of a freshly parsed name in a 5,000-entry map cost about 380 ns on the bench
 * machine, most of it waiting for memory: the map's table and the key string sit wherever the heap
 * put them, and the request path (bodies, replies, the young generation) has pushed them out of
 * the CPU caches since the last request. So names are first predicted, and the map searched for
 * the rest holds copies of the names made side by side.
 *
 * kube-scheduler's parallel filter hands its node list to up to 16 workers in runs (chunks of
 * √n nodes), starting where the previous pod's sample stopped, and appends each feasible node as
 * its worker finds it: a request is a few runs of kube's node order interleaved node by node. That
 * order changes only when nodes come and go, so the node after a given node *in its run* is nearly
 * always the one that followed it before. The lookup keeps that follower per node and, for each run
 * in progress, its latest node (a head); a name is compared with the heads' followers, by a
 * fingerprint first and then in full, and only a name no head predicts is looked up in a map.
 * A follower is learned from such a name (linked to the latest head without one: right often
 * enough) and forgotten once it fails to come true, so the chance links of interleaving wash out
 * while the run order's links stay; they are kept by name when a node joins or leaves. Every
 * guess is checked against the name itself: learning changes how fast a name is found, never
 * what is found.
 */
import type { AllocationLedger } from "../cluster/ledger.js";
import type { NodeState } from "../cluster/types.js";

/** kube-scheduler's default parallelism: at most this many runs interleave. */
const RUNS = 16;
/** How many failed predictions a follower that came true survives. */
const MAX_TRUST = 3;

/** Length and three characters of a name: cheap to compute, and tells most names apart. */
function fingerprint(name: string): number {
  const n = name.length;
  return (n << 24) ^ name.charCodeAt(n - 1) ^ (name.charCodeAt(n - 2) << 8) ^ (name.charCodeAt(n >> 1) << 16);
}

export class NodeLookup {
  #order: readonly NodeState[] | null = null;
  /**
   * The ledger's names by position, copied when the order is built so the copies lie side by
   * side in memory (the ledger's own strings are spread over the heap); the map from each copy
   * to its position, and the copies' fingerprints.
   */
  #names: string[] = [];
  #positions = new Map<string, number>();
  #prints = new Int32Array(0);
  /** Per position: the position predicted to follow it in its run, or -1. */
  #follower = new Int32Array(0);
  #trust = new Int8Array(0);
  /** Positions whose follower was linked during the current request (not yet tested). */
  #linked: number[] = [];
  #isLinked = new Uint8Array(0);
  /** Per run slot: its head, the head's follower and that follower's fingerprint, last use; head -1 when free. */
  readonly #head = new Int32Array(RUNS).fill(-1);
  readonly #next = new Int32Array(RUNS).fill(-1);
  readonly #nextPrint = new Int32Array(RUNS);
  readonly #used = new Float64Array(RUNS);
  #clock = 0;
  /** Names found by a head's follower, and in the map (tests read them). */
  guessed = 0;
  searched = 0;

  /** The position in ledger.nodes() of each name, -1 for a name the ledger does not know. */
  positions(names: readonly string[], ledger: AllocationLedger): Int32Array {
    const order = ledger.nodes();
    if (order !== this.#order) this.#reset(order);
    const found = new Int32Array(names.length);
    let searched = 0;
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      let at = this.#predicted(name, fingerprint(name));
      if (at < 0) {
        at = this.#positions.get(name) ?? -1;
        searched++;
        if (at >= 0) this.#link(at);
      }
      found[i] = at;
    }
    this.guessed += names.length - searched;
    this.searched += searched;
    for (let j = 0; j < RUNS; j++) this.#retire(j);
    for (const head of this.#linked) this.#isLinked[head] = 0;
    this.#linked = [];
    return found;
  }

  /** A node joined or left: positions move, kube's order of the nodes that stay does not. */
  #reset(order: readonly NodeState[]): void {
    const was = { names: this.#names, follower: this.#follower, trust: this.#trust };
    this.#order = order;
    this.#names = order.map((s) => Buffer.from(s.view.name).toString());
    this.#positions = new Map(this.#names.map((name, i) => [name, i]));
    this.#prints = Int32Array.from(this.#names, fingerprint);
    this.#follower = new Int32Array(order.length).fill(-1);
    this.#trust = new Int8Array(order.length);
    this.#isLinked = new Uint8Array(order.length);
    this.#linked = [];
    for (let p = 0; p < was.names.length; p++) {
      if (was.follower[p] < 0) continue;
      const from = this.#positions.get(was.names[p]);
      const to = this.#positions.get(was.names[was.follower[p]]);
      if (from === undefined || to === undefined) continue;
      this.#follower[from] = to;
      this.#trust[from] = was.trust[p];
    }
  }

  /** The position of `name` if a head's follower is it (that run moves on to it), else -1. */
  #predicted(name: string, print: number): number {
    const nextPrint = this.#nextPrint;
    for (let j = 0; j < RUNS; j++) {
      if (nextPrint[j] !== print) continue;
      const next = this.#next[j];
      if (next < 0 || this.#names[next] !== name) continue;
      const head = this.#head[j];
      if (this.#trust[head] < MAX_TRUST) this.#trust[head]++;
      this.#setHead(j, next);
      return next;
    }
    return -1;
  }

  /** A name no head predicted: the follower of the latest head without one, and a new run. */
  #link(at: number): void {
    let latest = -1;
    let oldest = 0;
    for (let j = 0; j < RUNS; j++) {
      if (this.#head[j] >= 0 && this.#next[j] < 0 && (latest < 0 || this.#used[j] > this.#used[latest])) latest = j;
      if (this.#used[j] < this.#used[oldest]) oldest = j;
    }
    if (latest >= 0) {
      const head = this.#head[latest];
      this.#follower[head] = at;
      this.#trust[head] = 0;
      this.#isLinked[head] = 1;
      this.#linked.push(head);
      this.#next[latest] = at;
      this.#nextPrint[latest] = this.#prints[at];
    }
    this.#retire(oldest);
    this.#setHead(oldest, at);
  }

  #setHead(slot: number, position: number): void {
    const next = this.#follower[position];
    this.#head[slot] = position;
    this.#next[slot] = next;
    this.#nextPrint[slot] = next < 0 ? 0 : this.#prints[next];
    this.#used[slot] = ++this.#clock;
  }

  /** The slot's run ended: a follower that had its chance and did not come true loses trust. */
  #retire(slot: number): void {
    const head = this.#head[slot];
    this.#head[slot] = -1;
    this.#next[slot] = -1;
    this.#used[slot] = 0;
    if (head < 0 || this.#follower[head] < 0 || this.#isLinked[head] === 1) return;
    if (this.#trust[head] > 0) this.#trust[head]--;
    else this.#follower[head] = -1;
  }
}
