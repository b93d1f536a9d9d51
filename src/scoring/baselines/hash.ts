/**
 * Deterministic "random" draws for the Random baseline. The scoring core may not hold a random
 * source (test/architecture.test.ts), and a draw must not depend on the order nodes are scored
 * in, so each draw is a pure function of (policy seed, pod key, node name, purpose): the strings
 * are hashed with 32-bit FNV-1a, the parts combined and passed through murmur3's fmix32
 * finaliser, whose avalanche makes every output bit depend on every input bit. The result is
 * uniform enough for choosing among nodes (test/scoring/baselines/random.test.ts checks it).
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const TWO_POW_32 = 4_294_967_296;

/** murmur3's 32-bit finaliser. */
export function fmix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** 32-bit FNV-1a over the string's UTF-16 code units. */
export function hashString(s: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** The seed folded to 32 bits (both halves of a safe integer count). */
export function seedKey(seed: number): number {
  return fmix32((seed >>> 0) ^ fmix32(Math.floor(seed / TWO_POW_32) >>> 0));
}

/** A uniform draw in [0, 1) from three 32-bit keys (seed, pod, node), e.g. seedKey and hashString. */
export function unitDraw(seedHash: number, podHash: number, nodeHash: number): number {
  return drawOf(podDrawKey(seedHash, podHash), nodeDrawKey(nodeHash));
}

/** unitDraw in parts, for a loop over nodes: the pod's part is computed once per pod… */
export function podDrawKey(seedHash: number, podHash: number): number {
  return fmix32(seedHash ^ podHash);
}

/** …the node's once per node… */
export function nodeDrawKey(nodeHash: number): number {
  return Math.imul(nodeHash, 0x9e3779b1);
}

/** …and the draw from both: the same number unitDraw gives. */
export function drawOf(podKey: number, nodeKey: number): number {
  return fmix32(podKey ^ nodeKey) / TWO_POW_32;
}
