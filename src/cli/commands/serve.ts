/**
 * `tierfit serve`: the kube-scheduler extender over HTTP(S). With the Kubernetes API (default) it
 * keeps its own node cache (names mode, bind, preemption checks); with --standalone it answers
 * full-`Nodes` filter / prioritize calls from the request bodies alone.
 */
import type { Server as TlsServer } from "node:tls";
import { type Command, InvalidArgumentError } from "commander";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { TierfitConfig } from "../../config/schema.js";
import { TierfitError } from "../../errors.js";
import { DEFAULT_ADMIN_HOST, DEFAULT_ADMIN_PORT } from "../../extender/admin-defaults.js";
import type { ExtenderMetrics } from "../../extender/metrics.js";
import type { ExtenderDeps, KubePorts } from "../../extender/runtime.js";
import { configOption, logLevelOption, redisOption } from "../options.js";

export const DEFAULT_PORT = 8888;

interface ServeOptions {
  readonly config?: string;
  readonly kubeconfig?: string;
  readonly logLevel: string;
  readonly port: number;
  readonly host: string;
  readonly standalone?: boolean;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tlsClientCa?: string;
  readonly adminPort: number;
  readonly adminHost: string;
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

/** The config source: a watched file (hot reload, counted in the metrics) or the built-in defaults. */
async function configSource(
  opts: ServeOptions,
  logger: Logger,
  metrics: ExtenderMetrics,
): Promise<{ current(): TierfitConfig; close(): void }> {
  const { defaultConfig } = await import("../../config/load.js");
  const { watchConfig } = await import("../../config/watch.js");
  if (opts.config === undefined) {
    const config = defaultConfig();
    return { current: () => config, close: () => {} };
  }
  const { startOnlyChanges } = await import("../../config/start-only.js");
  let atStart: TierfitConfig | undefined;
  const source = watchConfig(opts.config, {
    onChange(config) {
      metrics.recordConfigReload(true);
      logger.info({ config: opts.config }, "config reloaded");
      for (const change of atStart === undefined ? [] : startOnlyChanges(atStart, config)) {
        logger.warn({ config: opts.config }, change);
      }
    },
    onError(err) {
      metrics.recordConfigReload(false);
      logger.error({ config: opts.config, error: err.message }, "config reload failed; keeping the previous config");
    },
  });
  atStart = source.current();
  return source;
}

async function serve(opts: ServeOptions): Promise<void> {
  const { readTlsFiles, reloadTlsOnChange, tlsPathsOf } = await import("../../extender/tls.js");
  const tlsPaths = tlsPathsOf(opts);
  const tls = tlsPaths && readTlsFiles(tlsPaths);
  const { pino } = await import("pino");
  const { buildAdminApp } = await import("../../extender/admin-app.js");
  const { buildExtenderApp } = await import("../../extender/app.js");
  const { startKubeCluster } = await import("../../extender/kube/index.js");
  const { ExtenderMetrics } = await import("../../extender/metrics.js");
  const { createRuntime } = await import("../../extender/runtime.js");
  const { startLiveDemand } = await import("../../metrics/live-demand.js");
  const { EMPTY_DEMAND } = await import("../../scoring/demand-snapshot.js");
  const logger = pino({ name: "tierfit", level: opts.logLevel });
  const metrics = new ExtenderMetrics({ processMetrics: true });
  const config = await configSource(opts, logger, metrics);
  let kube: (KubePorts & { stop(): Promise<void> }) | null = null;
  if (!opts.standalone) {
    try {
      const { loadClusterConfig } = await import("../../extender/cluster-config.js");
      const kubeConfig = loadClusterConfig(opts.kubeconfig);
      const cluster = await startKubeCluster(() => config.current(), logger, { kubeConfig });
      kube = {
        cache: cluster.cache,
        binder: cluster.binder,
        podSource: cluster.podSource,
        claims: cluster.claims,
        stop: () => cluster.stop(),
      };
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
  const deps: ExtenderDeps = {
    config: () => config.current(),
    demand: live ? () => live.current() : () => EMPTY_DEMAND,
    ...(live ? { demandStatus: () => live.status(), onPlaced: live.onPlaced } : {}),
    now: () => Date.now(),
    kube,
    logger,
    metrics,
    ...(tls ? { tls } : {}),
  };
  const rt = createRuntime(deps);
  const app = buildExtenderApp(deps, rt);
  const admin = buildAdminApp(rt);
  try {
    await listen(app, opts.host, opts.port);
    await listen(admin, opts.adminHost, opts.adminPort);
  } catch (err) {
    await app.close();
    await live?.stop();
    await kube?.stop();
    config.close();
    throw err;
  }
  const tlsWatch =
    tlsPaths && tls ? reloadTlsOnChange(app.server as unknown as TlsServer, tlsPaths, tls, logger) : null;
  if (tls && !tls.clientCa) {
    logger.warn(
      "serving HTTPS without --tls-client-ca: any client that reaches the port can call filter, bind and preempt",
    );
  }
  logger.info(
    {
      standalone: Boolean(opts.standalone),
      https: tls !== undefined,
      clientCertificates: tls?.clientCa !== undefined,
      admin: `${opts.adminHost}:${opts.adminPort}`,
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
  tlsWatch?.close();
  await app.close();
  await admin.close();
  await live?.stop();
  await kube?.stop();
  config.close();
}

async function listen(app: FastifyInstance, host: string, port: number): Promise<void> {
  try {
    await app.listen({ port, host });
  } catch (err) {
    throw new TierfitError("TF_ERR_UNAVAILABLE", `cannot listen on ${host}:${port}: ${(err as Error).message}`);
  }
}

export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description(
      "Run the kube-scheduler extender: POST /filter, /prioritize, /bind, /preempt (and /healthz, /readyz) on --port; GET /metrics, /explain/<namespace>/<pod>, /healthz, /readyz on --admin-port.",
    )
    .addOption(configOption("reloaded when it changes"))
    .addOption(logLevelOption())
    .option("--port <n>", "port to listen on", parsePort, DEFAULT_PORT)
    .option("--host <address>", "address to listen on", "0.0.0.0")
    .option(
      "--kubeconfig <file>",
      "kubeconfig of the cluster to watch; default: KUBECONFIG, else ~/.kube/config, else the pod's service account",
    )
    .option(
      "--standalone",
      "run without the Kubernetes API: serves nodeCacheCapable: false (full Nodes) filter and prioritize from the request bodies; no bind, no names mode",
    )
    .option(
      "--tls-cert <file>",
      "PEM certificate to serve HTTPS (with --tls-key; for the extender's enableHTTPS); reloaded when it changes",
    )
    .option("--tls-key <file>", "PEM private key for --tls-cert")
    .option(
      "--tls-client-ca <file>",
      "PEM CA bundle: only clients with a certificate it signed are served (kube-scheduler's tlsConfig certFile/keyFile); without it anyone who reaches --port can call bind",
    )
    .option(
      "--admin-port <n>",
      "port of the admin listener (/metrics, /explain, probes; plain HTTP)",
      parsePort,
      DEFAULT_ADMIN_PORT,
    )
    .option(
      "--admin-host <address>",
      "address of the admin listener; /explain answers loopback callers only, whatever this is",
      DEFAULT_ADMIN_HOST,
    )
    .addOption(redisOption("Redis holding live GPU telemetry and inference demand"))
    .option(
      "--no-redis",
      "score without live demand (the liveDemand signal is neutral); otherwise an unreachable Redis is retried in the background and never delays a request",
    )
    .action(async (opts: ServeOptions) => {
      await serve(opts);
    });
}
