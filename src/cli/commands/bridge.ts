/**
 * `tierfit bridge`: feeds Redis from the exporters users already run (NVIDIA DCGM exporter, vLLM,
 * Triton). Which node a series belongs to: `--node URL=NODE` for that target, else the series'
 * `node`, `kubernetes_node`, `node_name` or DCGM `Hostname` label; a server whose node is unknown
 * still counts in its model's demand, just not per node.
 */
import type { Command } from "commander";
import { TierfitError } from "../../errors.js";
import type { RedisFlags } from "../../metrics/redis-session.js";
import { EXIT } from "../exit-codes.js";
import {
  configOption,
  logLevelOption,
  type OutputFormat,
  outputOption,
  prefixOption,
  redisOption,
} from "../options.js";

interface BridgeOptions extends RedisFlags {
  readonly scrape?: string[];
  readonly discover?: string[];
  readonly kubeconfig?: string;
  readonly node?: string[];
  readonly interval: string;
  readonly timeout: string;
  readonly once?: boolean;
  readonly logLevel: string;
  readonly output: OutputFormat;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve();
    };
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
  });
}

async function runBridge(opts: BridgeOptions): Promise<void> {
  const { pino } = await import("pino");
  const { Bridge } = await import("../../metrics/bridge/bridge.js");
  const { buildTargets, parseDurationMs } = await import("../../metrics/bridge/targets.js");
  const { unavailable } = await import("../../metrics/redis-client.js");
  const { openRedisSession } = await import("../../metrics/redis-session.js");
  if ((opts.scrape ?? []).length === 0 && (opts.discover ?? []).length === 0) {
    throw new TierfitError("TF_ERR_USAGE", "nothing to scrape: give --scrape URL… or --discover SELECTOR:PORT…");
  }
  const targets = buildTargets(opts.scrape ?? [], opts.node ?? []);
  const intervalMs = parseDurationMs(opts.interval, "--interval");
  const timeoutMs = parseDurationMs(opts.timeout, "--timeout");
  const discover = opts.discover === undefined ? undefined : await discovery(opts.discover, opts.kubeconfig, timeoutMs);
  const session = await openRedisSession(opts);
  const logger = pino({ name: "tierfit-bridge", level: opts.logLevel }, pino.destination(2));
  const bridge = new Bridge({
    targets,
    redis: session.redis,
    keys: session.keys,
    config: session.config.redis,
    logger,
    scrapeTimeoutMs: timeoutMs,
    discover: discover?.targets,
  });
  try {
    if (opts.once) {
      const s = await bridge.runRound();
      if (s.writeError !== null) throw unavailable(session.url, s.writeError);
      if (opts.output === "json") {
        const { at, scraped, failed, nodes, models } = s;
        const round = { at: new Date(at).toISOString(), prefix: session.keys.prefix, scraped, failed, nodes, models };
        process.stdout.write(`${JSON.stringify(round, null, 2)}\n`);
      } else {
        const failed = s.failed.map((f) => `\n  failed: ${f.url}: ${f.error}`).join("");
        process.stdout.write(
          `scraped ${s.scraped.length} of ${s.scraped.length + s.failed.length} targets; wrote ${s.nodes} node(s) and ${s.models} model(s) under ${session.keys.prefix}${failed}\n`,
        );
      }
      // No target answered: the exporters are the unreachable dependency.
      if (s.scraped.length === 0) process.exitCode = EXIT.unavailable;
      return;
    }
    logger.info({ targets: targets.length, intervalMs, redis: session.keys.prefix }, "bridge started");
    bridge.start(intervalMs);
    await untilSignal();
    await bridge.stop();
    logger.info("bridge stopped");
  } finally {
    session.close();
    discover?.close();
  }
}

/** Targets by label selector, listed from the cluster --kubeconfig (or the usual lookup) names. */
async function discovery(specs: readonly string[], kubeconfig: string | undefined, timeoutMs: number) {
  const { discoverTargets, parseDiscovery } = await import("../../metrics/bridge/discovery.js");
  const { loadClusterConfig } = await import("../../extender/cluster-config.js");
  const { kubeClient } = await import("../../extender/kube/api-client.js");
  const rules = specs.map(parseDiscovery);
  const client = kubeClient(loadClusterConfig(kubeconfig), { requestMs: timeoutMs, watchConnectMs: timeoutMs });
  const list = async (labelSelector: string) => (await client.core.listPodForAllNamespaces({ labelSelector })).items;
  return { targets: () => discoverTargets(rules, list), close: () => client.close() };
}

export function registerBridgeCommand(program: Command): void {
  program
    .command("bridge")
    .description(
      "Scrape Prometheus endpoints (DCGM exporter, vLLM, Triton) and write GPU telemetry and model demand to Redis for tierfit to read.",
    )
    .option("--scrape <url...>", "metrics endpoints to scrape, e.g. http://10.0.0.7:9400/metrics")
    .option(
      "--discover <selector:port...>",
      "also scrape every running pod a label selector matches (all namespaces), at its pod IP and on its node, listed again each round, e.g. app=nvidia-dcgm-exporter:9400 or app.kubernetes.io/name=vllm:8000/metrics",
    )
    .option(
      "--kubeconfig <file>",
      "cluster to discover pods in; default: KUBECONFIG, else ~/.kube/config, else the pod's service account",
    )
    .option(
      "--node <url=node...>",
      "the Kubernetes node a scraped URL runs on, e.g. http://10.0.0.7:8000/metrics=gpu-node-7 (default: the series' node/Hostname label)",
    )
    .option("--interval <duration>", "time between scrape rounds (15s, 1m, …)", "15s")
    .option("--timeout <duration>", "per-target scrape timeout", "5s")
    .option("--once", "scrape and write one round, print a summary, and exit")
    .addOption(outputOption("text", " (with --once: the round's summary)"))
    .addOption(configOption("Redis settings, TTLs, history"))
    .addOption(redisOption())
    .addOption(prefixOption())
    .addOption(logLevelOption())
    .action((opts: BridgeOptions) => runBridge(opts));
}
