/**
 * Vitest global setup: gives every test a real Redis. REDIS_URL when set; otherwise a throwaway
 * redis-server from PATH on a free port, stopped after the run. Tests read the URL with
 * `inject("redisUrl")` (see test/support/redis.ts) and use their own key prefix.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string | null;
    redisUnavailableReason: string | null;
  }
}

let server: ChildProcess | undefined;

export async function setup(project: TestProject): Promise<void> {
  if (process.env.REDIS_URL) {
    project.provide("redisUrl", process.env.REDIS_URL);
    project.provide("redisUnavailableReason", null);
    return;
  }
  if (spawnSync("redis-server", ["--version"]).error) {
    project.provide("redisUrl", null);
    project.provide("redisUnavailableReason", "REDIS_URL is not set and no redis-server is on PATH");
    return;
  }
  const port = await freePort();
  server = startRedisServer(port);
  await waitForPort(port);
  project.provide("redisUrl", `redis://127.0.0.1:${port}`);
  project.provide("redisUnavailableReason", null);
}

export async function teardown(): Promise<void> {
  server?.kill("SIGTERM");
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A redis-server that keeps nothing on disk, on 127.0.0.1:`port`. */
export function startRedisServer(port: number): ChildProcess {
  return spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
}

export async function waitForPort(port: number): Promise<void> {
  const { connect } = await import("node:net");
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not start on port ${port}`);
}
