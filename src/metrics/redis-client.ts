/**
 * The Redis connection live demand uses: short timeouts, reconnect with capped backoff, and no
 * offline queue, so a dead Redis fails a command at once instead of queueing it until memory
 * runs out. Every command goes through `sendCommand`, which a counter can wrap (the bench proves
 * the request path sends none). The password is the URL's, or else REDIS_PASSWORD's, so that a
 * Deployment can take it from a Secret without writing it into the config.
 */
import { Redis } from "ioredis";
import { TierfitError } from "../errors.js";

export interface RedisClientOptions {
  readonly connectTimeoutMs: number;
  readonly commandTimeoutMs: number;
  /** Longest pause between reconnect attempts. */
  readonly maxBackoffMs?: number;
  /** Do not connect until the first command or `connect()`. */
  readonly lazyConnect?: boolean;
}

/** Reconnect delay after `attempt` failures: 100 ms doubling, capped, never giving up. */
export function reconnectDelayMs(attempt: number, maxBackoffMs: number): number {
  return Math.min(maxBackoffMs, 100 * 2 ** Math.min(attempt - 1, 16));
}

/** REDIS_PASSWORD (e.g. from a Secret), unless the URL carries a password of its own. */
export function passwordFor(url: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  let own = "";
  try {
    own = new URL(url).password;
  } catch {
    // ioredis reports a URL it cannot use when it connects.
  }
  return own === "" && env.REDIS_PASSWORD ? env.REDIS_PASSWORD : undefined;
}

export function createRedisClient(url: string, opts: RedisClientOptions): Redis {
  const maxBackoffMs = opts.maxBackoffMs ?? 5000;
  const password = passwordFor(url);
  const client = new Redis(url, {
    ...(password === undefined ? {} : { password }),
    connectTimeout: opts.connectTimeoutMs,
    commandTimeout: opts.commandTimeoutMs,
    retryStrategy: (attempt) => reconnectDelayMs(attempt, maxBackoffMs),
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    lazyConnect: opts.lazyConnect ?? false,
  });
  // Errors surface on the commands that fail and in status(); without a listener ioredis prints them.
  client.on("error", () => {});
  return client;
}

/**
 * Resolves once the client is ready; TF_ERR_UNAVAILABLE naming the URL if it is not within
 * `timeoutMs`, or at the first connection error with `failFast` (a CLI should not sit retrying).
 */
export async function waitUntilReady(client: Redis, url: string, timeoutMs: number, failFast = false): Promise<void> {
  if (client.status === "ready") return;
  if (client.status === "wait") client.connect().catch(() => {});
  await new Promise<void>((resolve, reject) => {
    let lastError = "";
    const onError = (err: Error) => {
      lastError = err.message;
      if (!failFast) return;
      cleanup();
      reject(unavailable(url, lastError));
    };
    const onReady = () => {
      cleanup();
      resolve();
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(unavailable(url, lastError || `no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      client.off("ready", onReady);
      client.off("error", onError);
    };
    client.on("ready", onReady);
    client.on("error", onError);
  });
}

export function unavailable(url: string, why: string): TierfitError {
  return new TierfitError("TF_ERR_UNAVAILABLE", `Redis at ${redactUrl(url)} is unreachable: ${why}`);
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString().replace(/\/$/, "");
  } catch {
    return url;
  }
}

export interface CommandCounter {
  /** Commands sent through this client since the counter was attached (pipelined ones included). */
  readonly count: number;
}

/** Counts every command the client sends, pipelines and MULTI included, by wrapping `sendCommand`. */
export function countCommands(client: Redis): CommandCounter {
  const counter = { count: 0 };
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((...args: Parameters<Redis["sendCommand"]>) => {
    counter.count++;
    return send(...args);
  }) as Redis["sendCommand"];
  return counter;
}
