/**
 * Seeded randomness for the simulator: xoshiro128** (Blackman & Vigna, 2018), a 128-bit-state
 * generator with 32-bit output, period 2^128 − 1, that passes BigCrush and needs only 32-bit
 * integer arithmetic (fast in JavaScript, unlike 64-bit generators that would need BigInt).
 *
 * Every consumer takes its own stream, derived from (seed, name): adding a consumer, or drawing
 * more numbers in one, never shifts the numbers another consumer sees. Nothing here reads the
 * clock or Math.random, so a run is a pure function of its seed.
 */

const TWO_POW_32 = 4_294_967_296;

/** What code that only needs integers asks for (lets tests script the draws). */
export interface IntSource {
  /** A uniform integer in [0, n). */
  int(n: number): number;
}

export class Random implements IntSource {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** Box–Muller yields normals in pairs; the second waits here. */
  private spareNormal: number | null = null;

  /** The stream called `name` of run `seed`. Same (seed, name) → same numbers, on any machine. */
  static stream(seed: number, name: string): Random {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    // Fold the seed's two 32-bit halves and the name into one 32-bit key, then expand the key
    // with splitmix32 into four state words (the seeding its authors recommend).
    const low = seed >>> 0;
    const high = Math.floor(seed / TWO_POW_32) >>> 0;
    let key = hashString(name, mix32(low ^ mix32(high ^ 0x9e3779b9)));
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      key = (key + 0x9e3779b9) >>> 0;
      words.push(mix32(key));
    }
    return new Random(words[0], words[1], words[2], words[3]);
  }

  /** A generator started from raw state words: for known-answer tests against the reference C code. */
  static fromState(a: number, b: number, c: number, d: number): Random {
    return new Random(a >>> 0, b >>> 0, c >>> 0, d >>> 0);
  }

  private constructor(a: number, b: number, c: number, d: number) {
    // The all-zero state is the one state xoshiro cannot leave.
    if ((a | b | c | d) === 0) a = 1;
    this.s0 = a;
    this.s1 = b;
    this.s2 = c;
    this.s3 = d;
  }

  /** A child stream: `rng.fork("x")` is independent of the parent's later draws. */
  fork(name: string): Random {
    return Random.stream(this.uint32(), name);
  }

  /** The next raw 32-bit output, as an unsigned integer. */
  uint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.uint32() / TWO_POW_32;
  }

  /** A uniform integer in [0, n), without modulo bias (rejection sampling), for 1 ≤ n ≤ 2^32. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) throw new RangeError(`int(n) needs 1 ≤ n ≤ 2^32, got ${n}`);
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x = this.uint32();
    while (x >= limit) x = this.uint32();
    return x % n;
  }

  /** Fisher–Yates in place, walking from the end (the order Go's rand.Shuffle uses); returns `items`. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick() from an empty list");
    return items[this.int(items.length)];
  }

  /** Index drawn with probability proportional to `weights[i]` (non-negative, not all zero). */
  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) {
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weights must be finite and ≥ 0, got ${w}`);
      total += w;
    }
    if (total <= 0) throw new RangeError("weightedIndex() needs a positive weight");
    let u = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) return i;
    }
    // Float rounding can leave u at a hair above zero: the last positive weight takes it.
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
    return weights.length - 1;
  }

  /** Exponential with the given rate (mean 1/rate), by inversion. */
  exponential(rate: number): number {
    if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`exponential(rate) needs rate > 0, got ${rate}`);
    // 1 − next() is in (0, 1], so the logarithm is finite.
    return -Math.log(1 - this.next()) / rate;
  }

  /** Standard normal (mean 0, sd 1), Box–Muller. */
  normal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    const u1 = 1 - this.next(); // (0, 1]: log stays finite
    const u2 = this.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Log-normal: exp(mu + sigma · Z). */
  logNormal(mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.normal());
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** splitmix32's finaliser (a murmur3-style avalanche): every input bit moves every output bit. */
function mix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** FNV-1a over the UTF-16 code units, started from `basis`, then avalanched. */
function hashString(text: string, basis: number): number {
  let h = (basis ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}
