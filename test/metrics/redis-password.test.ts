/**
 * A Redis that wants a password: the URL's, or REDIS_PASSWORD (how the Deployment passes the
 * Secret) when the URL has none. Runs its own redis-server with --requirepass.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createRedisClient, passwordFor, waitUntilReady } from "../../src/metrics/redis-client.js";
import { freePort, waitForPort } from "../setup/redis.js";

const PASSWORD = "test-only-password";
const noServer = spawnSync("redis-server", ["--version"]).error !== undefined;
let server: ChildProcess | undefined;
let port = 0;

beforeAll(async () => {
  if (noServer) return;
  port = await freePort();
  server = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--requirepass", PASSWORD],
    { stdio: "ignore" },
  );
  await waitForPort(port);
});

afterAll(() => {
  server?.kill("SIGTERM");
  vi.unstubAllEnvs();
});

async function ping(url: string): Promise<string> {
  const client = createRedisClient(url, { connectTimeoutMs: 2000, commandTimeoutMs: 2000, lazyConnect: true });
  try {
    await waitUntilReady(client, url, 3000, true);
    return await client.ping();
  } catch (err) {
    return (err as Error).message;
  } finally {
    client.disconnect();
  }
}

describe("passwordFor", () => {
  it("takes REDIS_PASSWORD only when the URL has no password", () => {
    const env = { REDIS_PASSWORD: "from-secret" };
    expect(passwordFor("redis://redis.tierfit-system.svc:6379", env)).toBe("from-secret");
    expect(passwordFor("rediss://:own@redis.example:6380", env)).toBeUndefined();
    expect(passwordFor("redis://redis:6379", {})).toBeUndefined();
  });
});

describe.skipIf(noServer)("a Redis with requirepass (needs redis-server on PATH)", () => {
  it("is refused without a password, and served with REDIS_PASSWORD or the URL's", async () => {
    const url = `redis://127.0.0.1:${port}`;
    vi.stubEnv("REDIS_PASSWORD", "");
    expect(await ping(url)).toMatch(/NOAUTH/);
    vi.stubEnv("REDIS_PASSWORD", PASSWORD);
    expect(await ping(url)).toBe("PONG");
    vi.stubEnv("REDIS_PASSWORD", "wrong");
    expect(await ping(`redis://:${PASSWORD}@127.0.0.1:${port}`)).toBe("PONG");
  });
});
