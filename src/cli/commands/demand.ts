/** `tierfit demand show`: the live-demand snapshot the extender would score with, read from Redis now. */
import type { V1Pod } from "@kubernetes/client-node";
import type { Command } from "commander";
import { TierfitError } from "../../errors.js";
import type { ModelPods } from "../../metrics/model-pods.js";
import type { RedisFlags } from "../../metrics/redis-session.js";
import type { DemandSnapshot } from "../../scoring/demand-snapshot.js";
import { configOption, type OutputFormat, outputOption, prefixOption, redisOption } from "../options.js";

interface ShowOptions extends RedisFlags {
  readonly output: OutputFormat;
  readonly pods?: string;
  readonly kubeconfig?: string;
}

async function show(opts: ShowOptions): Promise<void> {
  const { readSnapshotOnce } = await import("../../metrics/read-snapshot-once.js");
  const { formatSnapshotTable, snapshotToJson } = await import("../../metrics/snapshot-format.js");
  if (opts.pods !== undefined && opts.kubeconfig !== undefined) {
    throw new TierfitError("TF_ERR_USAGE", "--pods and --kubeconfig both say where pods come from: give one");
  }
  const snapshot = await readSnapshotOnce(opts);
  const pods = opts.pods === undefined && opts.kubeconfig === undefined ? null : await podsPerModel(opts, snapshot);
  if (opts.output === "json") {
    const json = snapshotToJson(snapshot, snapshot.takenAt);
    process.stdout.write(`${JSON.stringify(pods ? { ...(json as object), pods } : json, null, 2)}\n`);
    return;
  }
  process.stdout.write(formatSnapshotTable(snapshot, snapshot.takenAt));
  if (pods) process.stdout.write((await import("../../metrics/model-pods.js")).formatModelPods(pods));
}

/** The pods of --pods FILE, or of the cluster --kubeconfig names, by the model whose demand applies to them. */
async function podsPerModel(opts: ShowOptions, snapshot: DemandSnapshot): Promise<ModelPods> {
  const { loadConfig } = await import("../../config/load.js");
  const { modelPods } = await import("../../metrics/model-pods.js");
  const config = loadConfig(opts.config);
  let pods: V1Pod[];
  if (opts.pods !== undefined) {
    const { loadPods } = await import("../../cluster/load-objects.js");
    pods = loadPods(opts.pods);
  } else {
    const { listClusterPods } = await import("../cluster-pods.js");
    pods = await listClusterPods(opts.kubeconfig, config.kube.apiTimeoutMs);
  }
  return modelPods(pods, snapshot, config);
}

export function registerDemandCommand(program: Command): void {
  const demand = program.command("demand").description("Inspect the live inference demand tierfit reads from Redis.");
  demand
    .command("show")
    .description(
      "Print the current demand snapshot: per-node GPU telemetry, per-model load and forecast, each entry's age and whether it is stale.",
    )
    .addOption(configOption("Redis settings, staleness window, model aliases"))
    .addOption(redisOption())
    .addOption(prefixOption())
    .option(
      "--pods <file>",
      "Pods (YAML or JSON, e.g. `kubectl get pods -A -o yaml`): show which pods each model's demand applies to, and pods whose model has none",
    )
    .option(
      "--kubeconfig <file>",
      "Read the pods from the cluster this kubeconfig names instead (every namespace), and show the same",
    )
    .addOption(outputOption("table"))
    .action((opts: ShowOptions) => show(opts));
}
