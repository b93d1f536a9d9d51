/**
 * The live-demand background jobs on node-cron schedules (config `redis.*Cron`): snapshot
 * refresh, forecast refresh, capacity report. None overlaps itself; stop() waits for runs in
 * progress. The request path is never involved: it only reads the reader's current snapshot.
 */
import type { Redis } from "ioredis";
import cron, { type ScheduledTask } from "node-cron";
import type { Logger } from "pino";
import type { NodeState } from "../cluster/types.js";
import type { TierfitConfig } from "../config/schema.js";
import { TierfitError } from "../errors.js";
import { buildCapacityReport, type CapacityReport, modelUsage } from "./capacity-report.js";
import { ExclusiveJob } from "./exclusive-job.js";
import { runForecastJob } from "./forecast-job.js";
import type { RedisKeys } from "./redis-schema.js";
import { saveReport } from "./report-store.js";
import type { SnapshotReader } from "./snapshot-reader.js";
import { UsageTracker } from "./usage-tracker.js";

/** What the report needs from the allocation ledger (src/cluster/ledger.ts fits). */
export interface AllocationSource {
  nodes(): readonly NodeState[];
}

export interface DemandJobsOptions {
  readonly reader: SnapshotReader;
  readonly redis: Redis;
  readonly keys: RedisKeys;
  readonly config: Pick<TierfitConfig, "demand" | "redis" | "tiers">;
  readonly logger: Logger;
  /** Without a ledger there is no capacity report (the allocation side would be missing). */
  readonly ledger?: AllocationSource;
  /** The model a pod serves (`tierfit.io/model`); without it the report makes no right-sizing suggestions. */
  readonly modelOf?: (podKey: string) => string | null;
  readonly now?: () => number;
}

export type JobName = "refresh" | "forecast" | "report";

export interface DemandJobs {
  /** Runs a job now (skipped if it is already running). */
  run(job: JobName): Promise<void>;
  /** Stops the schedules and waits for runs in progress. */
  stop(): Promise<void>;
  job(name: JobName): ExclusiveJob;
  readonly usage: UsageTracker;
  /** The last report built, or null. */
  lastReport(): CapacityReport | null;
}

function checkCron(field: string, expr: string): void {
  if (!cron.validate(expr)) {
    throw new TierfitError("TF_ERR_CONFIG", `redis.${field} "${expr}" is not a valid cron expression`);
  }
}

export function startDemandJobs(opts: DemandJobsOptions): DemandJobs {
  const { config, logger } = opts;
  const now = opts.now ?? Date.now;
  const modelOf = opts.modelOf ?? (() => null);
  const usage = new UsageTracker(config.demand.report.windowSeconds * 1000);
  let lastReport: CapacityReport | null = null;
  checkCron("refreshCron", config.redis.refreshCron);
  checkCron("forecastCron", config.redis.forecastCron);
  checkCron("reportCron", config.redis.reportCron);

  const refresh = new ExclusiveJob(
    "refresh",
    async () => {
      await opts.reader.refresh();
      if (opts.ledger === undefined) return;
      const used = new Map<string, number>();
      for (const [model, u] of modelUsage(opts.ledger.nodes(), opts.reader.current(), modelOf)) {
        if (u.measured) used.set(model, u.usedMiB);
      }
      usage.observe(now(), used);
    },
    logger,
  );

  const forecast = new ExclusiveJob(
    "forecast",
    async () => {
      await runForecastJob({
        redis: opts.redis,
        keys: opts.keys,
        demand: config.demand,
        redisConfig: config.redis,
        logger,
        now,
      });
    },
    logger,
  );

  const report = new ExclusiveJob(
    "report",
    async () => {
      if (opts.ledger === undefined) return;
      const at = now();
      const built = buildCapacityReport({
        nodes: opts.ledger.nodes(),
        demand: opts.reader.current(),
        tierNames: config.tiers.map((t) => t.name),
        modelOf,
        peakOf: (model) => usage.peak(model, at),
        config: config.demand.report,
        now: at,
      });
      lastReport = built;
      logger.info(
        {
          tiers: built.tiers.map((t) => ({
            tier: t.tier,
            allocatedGpus: t.allocatedGpus,
            usedGpus: t.usedGpus,
            allocatedMiB: t.allocatedMiB,
            usedMiB: t.usedMiB,
          })),
          idleDevices: built.idleDevices.length,
        },
        "capacity report",
      );
      for (const s of built.rightSizing) logger.info({ model: s.model }, s.message);
      for (const d of built.idleDevices) logger.info({ node: d.node, gpu: d.index }, d.message);
      await saveReport(opts.redis, opts.keys, built, config.redis);
    },
    logger,
  );

  const jobs: Record<JobName, ExclusiveJob> = { refresh, forecast, report };
  const tasks: ScheduledTask[] = [
    cron.schedule(config.redis.refreshCron, () => refresh.run(), { name: "tierfit-demand-refresh" }),
    cron.schedule(config.redis.forecastCron, () => forecast.run(), { name: "tierfit-demand-forecast" }),
    cron.schedule(config.redis.reportCron, () => report.run(), { name: "tierfit-capacity-report" }),
  ];

  return {
    run: (name) => jobs[name].run(),
    job: (name) => jobs[name],
    usage,
    lastReport: () => lastReport,
    async stop() {
      for (const t of tasks) {
        await t.stop();
        await t.destroy();
      }
      await Promise.all(Object.values(jobs).map((j) => j.idle()));
    },
  };
}
