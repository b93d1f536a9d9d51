/** Helpers for the live-demand tests: a local exporter server, a log capture, key cleanup. */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { Writable } from "node:stream";
import { Redis } from "ioredis";
import { type Logger, pino } from "pino";
import { defaultConfig } from "../../src/config/load.js";
import { Bridge } from "../../src/metrics/bridge/bridge.js";
import { buildTargets } from "../../src/metrics/bridge/targets.js";
import { redisKeys } from "../../src/metrics/redis-schema.js";

export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/metrics/${name}`, import.meta.url), "utf8");
}

/** Replaces the value of the sample line that starts with `series` (name and labels, verbatim). */
export function withSample(text: string, series: string, value: number): string {
  const lines = text.split("\n");
  const i = lines.findIndex((l) => l.startsWith(`${series} `));
  if (i < 0) throw new Error(`no sample ${series} in fixture`);
  lines[i] = `${series} ${value}`;
  return lines.join("\n");
}

/** An HTTP server on 127.0.0.1:0 serving `routes[path]()` as text; unknown paths get 404. */
export async function serveRoutes(
  routes: Record<string, () => string>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const body = routes[req.url ?? ""];
    if (body === undefined) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(body());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

/** A pino logger whose lines land in `lines` (parsed), for asserting what was logged. */
export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split("\n")) if (l.trim()) lines.push(JSON.parse(l) as LogLine);
      done();
    },
  });
  return { logger: pino({ level: "debug" }, sink), lines };
}

export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
}

/** DCGM exporter text for one node's four GPUs, all busy at `util` percent. */
export function dcgmUtilPage(host: string, util: number): string {
  const lines = ["# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).", "# TYPE DCGM_FI_DEV_GPU_UTIL gauge"];
  const series = (name: string, v: number) =>
    [0, 1, 2, 3].map(
      (gpu) =>
        `${name}{gpu="${gpu}",UUID="GPU-${host}-${gpu}",device="nvidia${gpu}",modelName="NVIDIA H100 80GB HBM3",Hostname="${host}"} ${v}`,
    );
  lines.push(...series("DCGM_FI_DEV_GPU_UTIL", util));
  lines.push("# HELP DCGM_FI_DEV_FB_USED Framebuffer memory used (in MiB).", "# TYPE DCGM_FI_DEV_FB_USED gauge");
  lines.push(...series("DCGM_FI_DEV_FB_USED", 70000));
  lines.push("# HELP DCGM_FI_DEV_FB_FREE Framebuffer memory free (in MiB).", "# TYPE DCGM_FI_DEV_FB_FREE gauge");
  lines.push(...series("DCGM_FI_DEV_FB_FREE", 11559));
  return `${lines.join("\n")}\n`;
}

/**
 * Real GPU telemetry in Redis, the way production gets it: one bridge round scraping a local
 * DCGM exporter page for `host` at `util` percent. `cleanup()` deletes the keys and closes everything.
 */
export async function seedDcgmTelemetry(
  url: string,
  prefix: string,
  host: string,
  util: number,
): Promise<{ cleanup(): Promise<void> }> {
  const redis = new Redis(url);
  const server = await serveRoutes({ "/dcgm": () => dcgmUtilPage(host, util) });
  const bridge = new Bridge({
    targets: buildTargets([`${server.url}/dcgm`], []),
    redis,
    keys: redisKeys(prefix),
    config: defaultConfig().redis,
    logger: pino({ level: "silent" }),
    scrapeTimeoutMs: 2000,
  });
  await bridge.runRound();
  return {
    async cleanup() {
      await deleteKeys(redis, prefix);
      redis.disconnect();
      await server.close();
    },
  };
}
