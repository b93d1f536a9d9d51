/** `tierfit demand show`: the live-demand snapshot the extender would score with, read from Redis now. */
import type { Command } from "commander";
import type { ModelPods } from "../../metrics/model-pods.js";
import type { RedisFlags } from "../../metrics/redis-session.js";
import type { DemandSnapshot } from "../../scoring/demand-snapshot.js";
import { configOption, type OutputFormat, outputOption, prefixOption, redisOption } from "../options.js";

interface ShowOptions extends RedisFlags {
  readonly output: OutputFormat;
  readonly pods?: string;
}

async function show(opts: ShowOptions): Promise<void> {
  const { readSnapshotOnce } = await import("../../metrics/read-snapshot-once.js");
  const { formatSnapshotTable, snapshotToJson } = await import("../../metrics/snapshot-format.js");
  const snapshot = await readSnapshotOnce(opts);
  const pods = opts.pods === undefined ? null : await podsPerModel(opts.pods, opts.config, snapshot);
  if (opts.output === "json") {
    const json = snapshotToJson(snapshot, snapshot.takenAt);
    process.stdout.write(`${JSON.stringify(pods ? { ...(json as object), pods } : json, null, 2)}\n`);
    return;
  }
  process.stdout.write(formatSnapshotTable(snapshot, snapshot.takenAt));
  if (pods) process.stdout.write((await import("../../metrics/model-pods.js")).formatModelPods(pods));
}

async function podsPerModel(file: string, config: string | undefined, snapshot: DemandSnapshot): Promise<ModelPods> {
  const { loadPods } = await import("../../cluster/load-objects.js");
  const { loadConfig } = await import("../../config/load.js");
  const { modelPods } = await import("../../metrics/model-pods.js");
  return modelPods(loadPods(file), snapshot, loadConfig(config));
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
    .addOption(outputOption("table"))
    .action((opts: ShowOptions) => show(opts));
}
