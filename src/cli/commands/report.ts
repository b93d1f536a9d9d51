/** `tierfit report`: the latest capacity report the extender's report job stored in Redis. */
import type { Command } from "commander";
import type { RedisFlags } from "../../metrics/redis-session.js";
import { configOption, outputOption, prefixOption, redisOption } from "../options.js";

interface ReportOptions extends RedisFlags {
  readonly output: "table" | "json";
}

async function report(opts: ReportOptions): Promise<void> {
  const { openRedisSession } = await import("../../metrics/redis-session.js");
  const { formatReportTable } = await import("../../metrics/report-format.js");
  const { loadLatestReport } = await import("../../metrics/report-store.js");
  const session = await openRedisSession(opts);
  try {
    const latest = await loadLatestReport(session.redis, session.keys);
    if (opts.output === "json") {
      process.stdout.write(`${JSON.stringify(latest, null, 2)}\n`);
    } else if (latest === null) {
      process.stdout.write(
        `No capacity report under ${session.keys.reportLatest} yet: \`tierfit serve\` writes one on redis.reportCron (${session.config.redis.reportCron}).\n`,
      );
    } else {
      process.stdout.write(formatReportTable(latest));
    }
  } finally {
    session.close();
  }
}

export function registerReportCommand(program: Command): void {
  program
    .command("report")
    .description(
      "Print the latest capacity report: GPUs allocated vs used per tier and node, allocated-but-idle GPUs, right-sizing suggestions.",
    )
    .addOption(configOption("Redis settings"))
    .addOption(redisOption())
    .addOption(prefixOption())
    .addOption(outputOption("table", " (json: null when there is no report)"))
    .action((opts: ReportOptions) => report(opts));
}
