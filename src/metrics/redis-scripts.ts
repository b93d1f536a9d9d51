/**
 * Lua scripts the snapshot reader runs, each named by what it takes and returns. They read many
 * hashes in one command and skip the ones whose `ts` the reader already holds: a refresh then
 * costs one reply instead of thousands of pipelined commands, and decodes only what changed.
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

export interface LuaScript {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

function script(name: string, source: string): LuaScript {
  return { name, source, sha: createHash("sha1").update(source).digest("hex") };
}

/**
 * KEYS: `gpu:{node}` hashes. ARGV[i]: the `ts` the reader holds for KEYS[i] ("" = none).
 * Returns per key: nil when the hash is gone; `{ts}` when its ts equals ARGV[i]; else `{ts, devices}`.
 */
export const NODE_ROWS_CHANGED = script(
  "node_rows_changed",
  `local out = {}
for i, key in ipairs(KEYS) do
  local ts = redis.call('HGET', key, 'ts')
  if not ts then
    out[i] = false
  elseif ts == ARGV[i] then
    out[i] = {ts}
  else
    out[i] = {ts, redis.call('HGET', key, 'devices')}
  end
end
return out`,
);

/**
 * KEYS: `model:{m}` hashes. ARGV[i]: the `ts` the reader holds for KEYS[i] ("" = none).
 * Returns per key: nil when the hash is gone; `{ts}` when its ts equals ARGV[i]; else the hash as
 * a flat field/value list (HGETALL).
 */
export const HASHES_CHANGED = script(
  "hashes_changed",
  `local out = {}
for i, key in ipairs(KEYS) do
  local ts = redis.call('HGET', key, 'ts')
  if not ts then
    out[i] = false
  elseif ts == ARGV[i] then
    out[i] = {ts}
  else
    out[i] = redis.call('HGETALL', key)
  end
end
return out`,
);

/** EVALSHA, loading the script with EVAL when Redis does not have it cached (NOSCRIPT). */
export async function runScript(
  redis: Redis,
  s: LuaScript,
  keys: readonly string[],
  args: readonly string[],
): Promise<unknown> {
  try {
    return await redis.evalsha(s.sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!(err as Error).message.startsWith("NOSCRIPT")) throw err;
    return redis.eval(s.source, keys.length, ...keys, ...args);
  }
}

/** Keys per script call: bounds how long one call holds Redis (Lua scripts run atomically). */
export const SCRIPT_BATCH = 1000;

/**
 * Runs a per-key script over `keys` (with `args[i]` for `keys[i]`) in batches of SCRIPT_BATCH,
 * all sent at once, and returns the replies in key order.
 */
export async function runScriptPerKey(
  redis: Redis,
  s: LuaScript,
  keys: readonly string[],
  args: readonly string[],
): Promise<unknown[]> {
  const batches: Promise<unknown>[] = [];
  for (let i = 0; i < keys.length; i += SCRIPT_BATCH) {
    batches.push(runScript(redis, s, keys.slice(i, i + SCRIPT_BATCH), args.slice(i, i + SCRIPT_BATCH)));
  }
  return (await Promise.all(batches)).flat(1) as unknown[];
}
