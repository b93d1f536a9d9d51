/**
 * The kernel's pending-event queue: a min-heap ordered by (time, priority, sequence), so events
 * at the same time run by priority (lower first) and then in the order they were scheduled.
 * Built for speed: event fields live in parallel typed arrays indexed by a slot number, slots
 * are recycled through a free list, so scheduling and popping allocate nothing once the arrays
 * have grown. The heap is 4-ary and keeps each entry's time beside its slot, so a sift reads
 * four sibling times from one cache line and only looks up priority and sequence on a tie.
 *
 * Cancellation is lazy: a cancelled slot stays in the heap, marked, and is dropped when it
 * reaches the top (or in a compaction pass once cancelled slots outnumber live ones).
 */

/** Opaque reference to one scheduled event: slot number and the slot's generation. */
export type EventHandle = number;

/** Handles pack (generation, slot) into one float-safe integer: 2^26 slots × 2^26 generations. */
const SLOT_LIMIT = 1 << 26;
const GENERATION_MASK = SLOT_LIMIT - 1;

const FREE = 0;
const PENDING = 1;
const CANCELLED = 2;

/** Below this many cancelled entries, lazy skipping is cheaper than a rebuild. */
const COMPACT_MIN = 1024;

export class EventHeap {
  private time: Float64Array;
  private priority: Int32Array;
  private sequence: Float64Array;
  private type: Int32Array;
  private generation: Uint32Array;
  private state: Uint8Array;
  private payload: unknown[];

  /** Heap order: entry i is event heapSlot[i], due at heapTime[i]. */
  private heapTime: Float64Array;
  private heapSlot: Int32Array;
  private heapSize = 0;
  private freeSlots: Int32Array;
  private freeCount = 0;
  /** Slots ever handed out; the next fresh slot when the free list is empty. */
  private slotHighWater = 0;
  private nextSequence = 0;
  private cancelledInHeap = 0;

  /** Fields of the event the last successful pop() removed. */
  poppedTime = 0;
  poppedPriority = 0;
  poppedType = 0;
  poppedPayload: unknown = undefined;

  constructor(initialCapacity = 1024) {
    const n = Math.max(16, initialCapacity);
    this.time = new Float64Array(n);
    this.priority = new Int32Array(n);
    this.sequence = new Float64Array(n);
    this.type = new Int32Array(n);
    this.generation = new Uint32Array(n);
    this.state = new Uint8Array(n);
    this.payload = new Array(n);
    this.heapTime = new Float64Array(n);
    this.heapSlot = new Int32Array(n);
    this.freeSlots = new Int32Array(n);
  }

  /** Live (not cancelled) events waiting. */
  get size(): number {
    return this.heapSize - this.cancelledInHeap;
  }

  push(time: number, priority: number, type: number, payload: unknown): EventHandle {
    const slot = this.takeSlot();
    this.time[slot] = time;
    this.priority[slot] = priority;
    this.sequence[slot] = this.nextSequence++;
    this.type[slot] = type;
    this.payload[slot] = payload;
    this.state[slot] = PENDING;
    if (this.heapSize === this.heapSlot.length) {
      this.heapTime = grow(this.heapTime, this.heapSize * 2);
      this.heapSlot = grow(this.heapSlot, this.heapSize * 2);
    }
    this.heapTime[this.heapSize] = time;
    this.heapSlot[this.heapSize] = slot;
    this.siftUp(this.heapSize++);
    return this.generation[slot] * SLOT_LIMIT + slot;
  }

  /** Time of the next live event, or +Infinity when none is left. */
  peekTime(): number {
    this.dropCancelledTop();
    return this.heapSize === 0 ? Number.POSITIVE_INFINITY : this.heapTime[0];
  }

  /** Removes the next live event into the popped* fields; false when the heap is empty. */
  pop(): boolean {
    this.dropCancelledTop();
    if (this.heapSize === 0) return false;
    const slot = this.removeTop();
    this.poppedTime = this.time[slot];
    this.poppedPriority = this.priority[slot];
    this.poppedType = this.type[slot];
    this.poppedPayload = this.payload[slot];
    this.releaseSlot(slot);
    return true;
  }

  /** Cancels a pending event; false if it already ran, was cancelled, or the handle is unknown. */
  cancel(handle: EventHandle): boolean {
    if (!Number.isSafeInteger(handle) || handle < 0) return false;
    const slot = handle % SLOT_LIMIT;
    const gen = Math.floor(handle / SLOT_LIMIT);
    if (slot >= this.slotHighWater || this.generation[slot] !== gen || this.state[slot] !== PENDING) return false;
    this.state[slot] = CANCELLED;
    this.payload[slot] = undefined; // let the payload be collected now, not when the slot surfaces
    this.cancelledInHeap++;
    if (this.cancelledInHeap >= COMPACT_MIN && this.cancelledInHeap * 2 > this.heapSize) this.compact();
    return true;
  }

  /** Cancels everything pending. */
  clear(): void {
    for (let i = 0; i < this.heapSize; i++) this.releaseSlot(this.heapSlot[i]);
    this.heapSize = 0;
    this.cancelledInHeap = 0;
  }

  private dropCancelledTop(): void {
    while (this.heapSize > 0 && this.state[this.heapSlot[0]] === CANCELLED) {
      const slot = this.removeTop();
      this.cancelledInHeap--;
      this.releaseSlot(slot);
    }
  }

  private removeTop(): number {
    const top = this.heapSlot[0];
    const last = --this.heapSize;
    if (last > 0) this.refillRoot(last);
    return top;
  }

  /** Drops every cancelled entry and restores the heap property bottom-up (Floyd). */
  private compact(): void {
    let kept = 0;
    for (let i = 0; i < this.heapSize; i++) {
      const slot = this.heapSlot[i];
      if (this.state[slot] === CANCELLED) {
        this.releaseSlot(slot);
      } else {
        this.heapTime[kept] = this.heapTime[i];
        this.heapSlot[kept++] = slot;
      }
    }
    this.heapSize = kept;
    this.cancelledInHeap = 0;
    for (let i = (kept - 2) >> 2; i >= 0; i--) this.siftDown(i);
  }

  private takeSlot(): number {
    if (this.freeCount > 0) return this.freeSlots[--this.freeCount];
    if (this.slotHighWater === this.time.length) this.growSlots();
    return this.slotHighWater++;
  }

  private releaseSlot(slot: number): void {
    this.state[slot] = FREE;
    this.payload[slot] = undefined;
    // A new generation makes every old handle to this slot stale.
    this.generation[slot] = (this.generation[slot] + 1) & GENERATION_MASK;
    if (this.freeCount === this.freeSlots.length) this.freeSlots = grow(this.freeSlots, this.freeSlots.length * 2);
    this.freeSlots[this.freeCount++] = slot;
  }

  private growSlots(): void {
    const n = this.time.length * 2;
    if (this.time.length >= SLOT_LIMIT) throw new RangeError(`more than ${SLOT_LIMIT} events pending at once`);
    this.time = grow(this.time, n);
    this.priority = grow(this.priority, n);
    this.sequence = grow(this.sequence, n);
    this.type = grow(this.type, n);
    this.generation = grow(this.generation, n);
    this.state = grow(this.state, n);
    this.payload.length = n;
  }

  /** True when slot a's event runs before slot b's at the same time. */
  private tieBefore(a: number, b: number): boolean {
    const pa = this.priority[a];
    const pb = this.priority[b];
    return pa < pb || (pa === pb && this.sequence[a] < this.sequence[b]);
  }

  private siftUp(start: number): void {
    const heapTime = this.heapTime;
    const heapSlot = this.heapSlot;
    const slot = heapSlot[start];
    const t = heapTime[start];
    let pos = start;
    while (pos > 0) {
      const parentPos = (pos - 1) >> 2;
      const pt = heapTime[parentPos];
      if (t > pt || (t === pt && !this.tieBefore(slot, heapSlot[parentPos]))) break;
      heapTime[pos] = pt;
      heapSlot[pos] = heapSlot[parentPos];
      pos = parentPos;
    }
    heapTime[pos] = t;
    heapSlot[pos] = slot;
  }

  /**
   * Fills the emptied root with the entry at `from` (the last one), bottom-up (Wegener): walk
   * the hole down along the earliest children without comparing against the moved entry,
   * then sift that entry up from the leaf. The last entry almost always belongs near the
   * bottom, so this saves a comparison per level over the textbook sift-down.
   */
  private refillRoot(from: number): void {
    const heapTime = this.heapTime;
    const heapSlot = this.heapSlot;
    let pos = 0;
    for (;;) {
      const child = this.earliestChild(pos);
      if (child < 0) break;
      heapTime[pos] = heapTime[child];
      heapSlot[pos] = heapSlot[child];
      pos = child;
    }
    heapTime[pos] = heapTime[from];
    heapSlot[pos] = heapSlot[from];
    this.siftUp(pos);
  }

  private siftDown(start: number): void {
    const heapTime = this.heapTime;
    const heapSlot = this.heapSlot;
    const slot = heapSlot[start];
    const t = heapTime[start];
    let pos = start;
    for (;;) {
      const child = this.earliestChild(pos);
      if (child < 0) break;
      const ct = heapTime[child];
      if (t < ct || (t === ct && this.tieBefore(slot, heapSlot[child]))) break;
      heapTime[pos] = ct;
      heapSlot[pos] = heapSlot[child];
      pos = child;
    }
    heapTime[pos] = t;
    heapSlot[pos] = slot;
  }

  /** Position of the earliest of `pos`'s up to four children (side by side in memory), or −1 for a leaf. */
  private earliestChild(pos: number): number {
    const first = 4 * pos + 1;
    const n = this.heapSize;
    if (first >= n) return -1;
    const heapTime = this.heapTime;
    const heapSlot = this.heapSlot;
    let best = first;
    let bestTime = heapTime[first];
    const end = Math.min(first + 4, n);
    for (let c = first + 1; c < end; c++) {
      const ct = heapTime[c];
      if (ct < bestTime || (ct === bestTime && this.tieBefore(heapSlot[c], heapSlot[best]))) {
        best = c;
        bestTime = ct;
      }
    }
    return best;
  }
}

type TypedArray = Float64Array | Int32Array | Uint32Array | Uint8Array;

function grow<T extends TypedArray>(array: T, length: number): T {
  const bigger = new (array.constructor as new (n: number) => T)(length);
  bigger.set(array);
  return bigger;
}
