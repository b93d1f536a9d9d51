/**
 * What the CLI commands share: the effective Redis settings (config file, then flags) and a
 * connection that is ready or a TF_ERR_UNAVAILABLE naming the URL — never a stack trace.
 */
import type { Redis } from "ioredis";
import { loadConfig } from "../config/load.js";
import type { TierfitConfig } from "../config/schema.js";
import { createRedisClient, waitUntilReady } from "./redis-client.js";
import { type RedisKeys, redisKeys } from "./redis-schema.js";

export interface RedisFlags {
  readonly config?: string;
  readonly redis?: string;
  readonly prefix?: string;
}

export interface RedisSession {
  readonly config: TierfitConfig;
  readonly url: string;
  readonly redis: Redis;
  readonly keys: RedisKeys;
  close(): void;
}

export async function openRedisSession(flags: RedisFlags): Promise<RedisSession> {
  const config = loadConfig(flags.config);
  const url = flags.redis ?? config.redis.url;
  const redis = createRedisClient(url, {
    connectTimeoutMs: config.redis.connectTimeoutMs,
    commandTimeoutMs: config.redis.commandTimeoutMs,
    lazyConnect: true,
  });
  try {
    await waitUntilReady(redis, url, config.redis.connectTimeoutMs, true);
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  return {
    config,
    url,
    redis,
    keys: redisKeys(flags.prefix ?? config.redis.keyPrefix),
    close: () => redis.disconnect(),
  };
}
