/** `tierfit explain`: where a pod would go and why, from files, with the scoring code the extender runs. */
import type { Command } from "commander";
import type { TierfitConfig } from "../../config/schema.js";
import { TierfitError } from "../../errors.js";
import { DEVICE_EXAMPLES, deviceExample, shippedExamples } from "../../explain/examples.js";
import type { DemandSnapshot } from "../../scoring/demand-snapshot.js";
import { EXIT } from "../exit-codes.js";
import { configOption, type OutputFormat, outputOption, prefixOption } from "../options.js";

interface ExplainOptions {
  pod?: string;
  nodes?: string;
  podsOnNodes?: string;
  demand?: string;
  resourceSlices?: string;
  resourceClaims?: string;
  example?: string;
  devices?: boolean;
  /** true: --redis without a URL. */
  redis?: string | true;
  prefix?: string;
  config?: string;
  output: OutputFormat;
}

const DEMAND_HELP = `
Demand file (--demand): a JSON snapshot of live demand, as the extender reads it from Redis:
  {
    "takenAt": "2025-06-02T14:00:00Z",
    "nodes": {
      "<node>": { "ts": "2025-06-02T13:59:50Z",
                  "devices": [ { "index": 0, "util": 0.35, "fbUsedMiB": 30000, "fbTotalMiB": 40960 } ] }
    },
    "models": {
      "<model>": { "ts": "2025-06-02T13:59:50Z", "rps": 41.5, "running": 12, "waiting": 0,
                   "kvCacheUsage": 0.4,
                   "forecast": { "rps": 55, "gpuCompute": 1.2, "replicas": 2, "method": "holt-winters",
                                 "horizonSeconds": 900, "ts": "2025-06-02T13:59:30Z" } }
    }
  }
Times are ISO-8601 strings or ms since the epoch. "util" is 0..1 (null = not reported). An entry
older than demand.staleAfterSeconds at takenAt counts as missing (see demand.onStale). All model
fields but "ts" are optional. Without --demand no live data is known.

With neither --pod nor --nodes, the shipped example in config/examples is explained.
--example NAME explains one of config/examples/devices (dra, gfd-replicas, mig, passthrough)
and lists each node's devices, where they came from and what holds them (as --devices does).`;

export function registerExplainCommand(program: Command): void {
  program
    .command("explain")
    .description(
      "Explain where a pod would be placed: every node's pass or fail with the reason, each signal's 0..10 score, the final score and the winner.",
    )
    .option("--pod <file>", "the Pod to place (YAML or JSON)")
    .option("--nodes <file>", "the Nodes to choose from (YAML or JSON; several documents or a NodeList)")
    .option(
      "--pods-on-nodes <file>",
      "Pods already bound to those nodes (spec.nodeName); their tierfit.io/gpu-devices annotation says which GPUs they hold",
    )
    .option("--demand <file>", "a JSON live-demand snapshot (format below)")
    .option(
      "--resource-slices <file>",
      "resource.k8s.io/v1 ResourceSlices (a DRA driver's devices per node; they override GPU Feature Discovery labels)",
    )
    .option(
      "--resource-claims <file>",
      "resource.k8s.io/v1 ResourceClaims: allocated ones hold devices, the pod's give its request",
    )
    .option("--devices", "also list every node's GPU devices, where they came from and what holds them")
    .option(
      "--example <name>",
      `explain a shipped device example instead (${DEVICE_EXAMPLES.join(", ")}): one per source of GPU devices`,
    )
    .option(
      "--redis [url]",
      "read the live-demand snapshot from Redis now, as `tierfit serve` does (instead of --demand); without a URL: $REDIS_URL, else the config's redis.url",
    )
    .addOption(prefixOption())
    .addOption(configOption("tiers, weights, model aliases"))
    .addOption(outputOption("table", "; exit code 5 when no node fits"))
    .addHelpText("after", DEMAND_HELP)
    .action(explain);
}

async function explain(opts: ExplainOptions): Promise<void> {
  if (opts.redis && opts.demand) throw new TierfitError("TF_ERR_USAGE", "give --demand or --redis, not both");
  const files = resolveFiles(opts);
  const { loadKubeObjects, loadNodes, loadPod, loadPods } = await import("../../cluster/load-objects.js");
  const { loadConfig } = await import("../../config/load.js");
  const { explainPlacement } = await import("../../explain/explain.js");
  const config = loadConfig(opts.config);
  const demand = await demandFor(opts, files.demand, config);
  const result = explainPlacement({
    config,
    pod: loadPod(files.pod),
    nodes: loadNodes(files.nodes),
    podsOnNodes: files.podsOnNodes ? loadPods(files.podsOnNodes) : [],
    resourceSlices: files.resourceSlices ? loadKubeObjects(files.resourceSlices) : [],
    resourceClaims: files.resourceClaims ? loadKubeObjects(files.resourceClaims) : [],
    showDevices: opts.devices === true || opts.example !== undefined,
    demand,
    // As of the demand snapshot, so its entries age as they would have then; now without one.
    now: demand.takenAt > 0 ? demand.takenAt : Date.now(),
  });
  if (opts.output === "json") {
    process.stdout.write(`${JSON.stringify(result.explanation, null, 2)}\n`);
    for (const note of result.explanation.notes) process.stderr.write(`note: ${note}\n`);
  } else {
    const { formatExplanation } = await import("../../explain/format-table.js");
    const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
    process.stdout.write(formatExplanation(result, config, { color }));
  }
  if (result.explanation.winner === null) process.exitCode = EXIT.noNodeFits;
}

/** Live demand from Redis (--redis), a file (--demand), or none; each source loaded only when used. */
async function demandFor(
  opts: ExplainOptions,
  file: string | undefined,
  config: TierfitConfig,
): Promise<DemandSnapshot> {
  if (opts.redis) {
    const { readSnapshotOnce } = await import("../../metrics/read-snapshot-once.js");
    const url = opts.redis === true ? process.env.REDIS_URL : opts.redis;
    return readSnapshotOnce({ config: opts.config, redis: url, prefix: opts.prefix });
  }
  if (file) return (await import("../../explain/demand-file.js")).loadDemandFile(file, config);
  return (await import("../../scoring/demand-snapshot.js")).EMPTY_DEMAND;
}

/** The files to read: the operator's, or the shipped example when neither --pod nor --nodes is given. */
function resolveFiles(opts: ExplainOptions): Pick<
  ExplainOptions,
  "pod" | "nodes" | "podsOnNodes" | "demand" | "resourceSlices" | "resourceClaims"
> & {
  pod: string;
  nodes: string;
} {
  if (opts.example !== undefined) {
    if (opts.pod || opts.nodes) throw new TierfitError("TF_ERR_USAGE", "give --example or --pod/--nodes, not both");
    const example = deviceExample(opts.example);
    if (!example) {
      throw new TierfitError(
        "TF_ERR_USAGE",
        `no shipped example "${opts.example}" (examples: ${DEVICE_EXAMPLES.join(", ")})`,
      );
    }
    process.stderr.write(`tierfit: explaining the shipped example in ${example.dir}\n`);
    return { ...opts, ...example };
  }
  if (opts.pod && opts.nodes) return { ...opts, pod: opts.pod, nodes: opts.nodes };
  if (opts.pod || opts.nodes) {
    throw new TierfitError(
      "TF_ERR_USAGE",
      `give both --pod and --nodes (missing ${opts.pod ? "--nodes" : "--pod"}), or neither to explain the shipped example`,
    );
  }
  const examples = shippedExamples();
  if (!examples)
    throw new TierfitError("TF_ERR_INPUT", "give --pod and --nodes (the shipped examples are not installed)");
  process.stderr.write(
    `tierfit: no --pod/--nodes given; explaining the shipped example in ${examples.dir} (pod.yaml, nodes.yaml, pods-on-nodes.yaml, demand.json)\n`,
  );
  return {
    pod: examples.pod,
    nodes: examples.nodes,
    podsOnNodes: opts.podsOnNodes ?? examples.podsOnNodes,
    demand: opts.redis ? undefined : (opts.demand ?? examples.demand),
  };
}
