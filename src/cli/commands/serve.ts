/**
 * `tierfit serve`: the kube-scheduler extender over HTTP(S). With the Kubernetes API (default) it
 * keeps its own node cache (names mode, bind, preemption checks); with --standalone it answers
 * full-`Nodes` filter / prioritize calls from the request bodies alone.
 */
import { readFileSync } from "node:fs";
import { type Command, InvalidArgumentError } from "commander";
import { type Logger, pino } from "pino";
import { defaultConfig } from "../../config/load.js";
import type { TierfitConfig } from "../../config/schema.js";
import { watchConfig } from "../../config/watch.js";
import { TierfitError } from "../../errors.js";
import { buildExtenderApp } from "../../extender/app.js";
import { startKubeCluster } from "../../extender/kube/index.js";
import { ExtenderMetrics } from "../../extender/metrics.js";
import type { KubePorts } from "../../extender/runtime.js";
import { startLiveDemand } from "../../metrics/live-demand.js";
import { EMPTY_DEMAND } from "../../scoring/demand-snapshot.js";

export const DEFAULT_PORT = 8888;

interface ServeOptions {
  readonly config?: string;
  readonly port: number;
  readonly host: string;
  readonly standalone?: boolean;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  /** Redis URL overriding redis.url; false with --no-redis. */
  readonly redis: string | boolean;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError("a port is an integer from 0 to 65535");
  }
  return port;
}

function readTls(opts: ServeOptions): { cert: Buffer; key: Buffer } | undefined {
  if (opts.tlsCert === undefined && opts.tlsKey === undefined) return undefined;
  if (opts.tlsCert === undefined || opts.tlsKey === undefined) {
    throw new TierfitError(
      "TF_ERR_INPUT",
      "--tls-cert and --tls-key go together: give both to serve HTTPS, or neither",
    );
  }
  const read = (path: string, what: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new TierfitError("TF_ERR_INPUT", `cannot read the TLS ${what} ${path}: ${(err as Error).message}`);
    }
  };
  return { cert: read(opts.tlsCert, "certificate"), key: read(opts.tlsKey, "key") };
}

/** The config source: a watched file (hot reload, counted in the metrics) or the built-in defaults. */
function configSource(
  opts: ServeOptions,
  logger: Logger,
  metrics: ExtenderMetrics,
): { current(): TierfitConfig; close(): void } {
  if (opts.config === undefined) {
    const config = defaultConfig();
    return { current: () => config, close: () => {} };
  }
  return watchConfig(opts.config, {
    onChange() {
      metrics.recordConfigReload(true);
      logger.info({ config: opts.config }, "config reloaded");
    },
    onError(err) {
      metrics.recordConfigReload(false);
      logger.error({ config: opts.config, error: err.message }, "config reload failed; keeping the previous config");
    },
  });
}

async function serve(opts: ServeOptions): Promise<void> {
  const logger = pino({ name: "tierfit" });
  const tls = readTls(opts);
  const metrics = new ExtenderMetrics();
  const config = configSource(opts, logger, metrics);
  let kube: (KubePorts & { stop(): Promise<void> }) | null = null;
  if (!opts.standalone) {
    try {
      const cluster = await startKubeCluster(() => config.current(), logger);
      kube = { cache: cluster.cache, binder: cluster.binder, podSource: cluster.podSource, stop: () => cluster.stop() };
    } catch (err) {
      config.close();
      if (err instanceof TierfitError) throw err;
      throw new TierfitError(
        "TF_ERR_UNAVAILABLE",
        `cannot start watching the Kubernetes API: ${(err as Error).message}; ` +
          "run with --standalone to serve full-Nodes requests without it",
      );
    }
  }
  const live =
    opts.redis === false
      ? null
      : startLiveDemand(config.current(), logger, {
          url: typeof opts.redis === "string" ? opts.redis : undefined,
          ledger: kube?.cache.ledger,
        });
  const app = buildExtenderApp({
    config: () => config.current(),
    demand: live ? () => live.current() : () => EMPTY_DEMAND,
    ...(live ? { demandStatus: () => live.status(), onPlaced: live.onPlaced } : {}),
    now: () => Date.now(),
    kube,
    logger,
    metrics,
    ...(tls ? { tls } : {}),
  });
  try {
    await app.listen({ port: opts.port, host: opts.host });
  } catch (err) {
    await live?.stop();
    await kube?.stop();
    config.close();
    throw new TierfitError(
      "TF_ERR_UNAVAILABLE",
      `cannot listen on ${opts.host}:${opts.port}: ${(err as Error).message}`,
    );
  }
  logger.info(
    {
      standalone: Boolean(opts.standalone),
      https: tls !== undefined,
      config: opts.config ?? "built-in defaults",
      liveDemand: live ? live.url : "off (--no-redis)",
    },
    "tierfit extender serving",
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, "shutting down");
      resolve();
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  await app.close();
  await live?.stop();
  await kube?.stop();
  config.close();
}

export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description(
      "Run the kube-scheduler extender: POST /filter, /prioritize, /bind, /preempt, plus /healthz, /readyz, /metrics and /explain/<namespace>/<pod>.",
    )
    .option("--config <file>", "tierfit config file (YAML), reloaded when it changes; default: the built-in config")
    .option("--port <n>", "port to listen on", parsePort, DEFAULT_PORT)
    .option("--host <address>", "address to listen on", "0.0.0.0")
    .option(
      "--standalone",
      "run without the Kubernetes API: serves nodeCacheCapable: false (full Nodes) filter and prioritize from the request bodies; no bind, no names mode",
    )
    .option("--tls-cert <file>", "PEM certificate to serve HTTPS (with --tls-key; for the extender's enableHTTPS)")
    .option("--tls-key <file>", "PEM private key for --tls-cert")
    .option("--redis <url>", "Redis holding live GPU telemetry and inference demand (default: the config's redis.url)")
    .option(
      "--no-redis",
      "score without live demand (the liveDemand signal is neutral); otherwise an unreachable Redis is retried in the background and never delays a request",
    )
    .action(async (opts: ServeOptions) => {
      await serve(opts);
    });
}
