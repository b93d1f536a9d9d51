/** `tierfit demand show`: the live-demand snapshot the extender would score with, read from Redis now. */
import type { Command } from "commander";
import type { RedisFlags } from "../../metrics/redis-session.js";
import { configOption, outputOption, prefixOption, redisOption } from "../options.js";

interface ShowOptions extends RedisFlags {
  readonly output: "table" | "json";
}

async function show(opts: ShowOptions): Promise<void> {
  const { readSnapshotOnce } = await import("../../metrics/read-snapshot-once.js");
  const { formatSnapshotTable, snapshotToJson } = await import("../../metrics/snapshot-format.js");
  const snapshot = await readSnapshotOnce(opts);
  const text =
    opts.output === "json"
      ? `${JSON.stringify(snapshotToJson(snapshot, snapshot.takenAt), null, 2)}\n`
      : formatSnapshotTable(snapshot, snapshot.takenAt);
  process.stdout.write(text);
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
    .addOption(outputOption("table"))
    .action((opts: ShowOptions) => show(opts));
}
