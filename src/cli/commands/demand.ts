/** `tierfit demand show`: the live-demand snapshot the extender would score with, read from Redis now. */
import { type Command, Option } from "commander";
import type { RedisFlags } from "../../metrics/redis-session.js";

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
    .option(
      "-c, --config <file>",
      "the YAML config file (Redis settings, staleness window; default: built-in defaults)",
    )
    .option("--redis <url>", "Redis URL, overriding the config's redis.url (e.g. redis://127.0.0.1:6379)")
    .option("--prefix <prefix>", "key prefix, overriding the config's redis.keyPrefix")
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table"))
    .action((opts: ShowOptions) => show(opts));
}
