/**
 * Live demand for `tierfit serve`: a Redis client that reconnects in the background, the snapshot
 * reader and its cron jobs. The request path only ever calls `current()`, which reads memory; an
 * unreachable Redis means stale (then neutral) live scores, never a slow or failed request.
 */
import type { Logger } from "pino";
import { unitsToMiB } from "../cluster/gpu-units.js";
import type { Allocation, PodRequest } from "../cluster/types.js";
import type { TierfitConfig } from "../config/schema.js";
import type { DemandSnapshot } from "../scoring/demand-snapshot.js";
import { type AllocationSource, startDemandJobs } from "./jobs.js";
import { createRedisClient, redactUrl } from "./redis-client.js";
import { redisKeys } from "./redis-schema.js";
import { type ReaderStatus, SnapshotReader } from "./snapshot-reader.js";

export interface LiveDemand {
  /** The Redis URL, with any password redacted, for logs. */
  readonly url: string;
  current(): DemandSnapshot;
  status(): ReaderStatus;
  /** Counts a bound pod's expected load on its node until telemetry newer than the placement arrives. */
  onPlaced(pod: PodRequest, allocation: Allocation, at: number): void;
  stop(): Promise<void>;
}

export function startLiveDemand(
  config: TierfitConfig,
  logger: Logger,
  opts: { url?: string; ledger?: AllocationSource } = {},
): LiveDemand {
  const url = opts.url ?? config.redis.url;
  const redis = createRedisClient(url, {
    connectTimeoutMs: config.redis.connectTimeoutMs,
    commandTimeoutMs: config.redis.commandTimeoutMs,
  });
  // ioredis reports each failed reconnect; the reader logs staleness transitions, so this stays quiet.
  redis.on("error", () => {});
  const keys = redisKeys(config.redis.keyPrefix);
  const reader = new SnapshotReader({
    redis,
    keys,
    staleAfterSeconds: config.demand.staleAfterSeconds,
    logger,
  });
  /** Models of pods tierfit bound itself; pods placed by others carry none (no right-sizing for them). */
  const models = new Map<string, string>();
  // The jobs start once Redis first answers: a command sent before would fail and be logged as
  // an outage on every normal start.
  let jobs: ReturnType<typeof startDemandJobs> | null = null;
  const startJobs = () => {
    if (stopped) return;
    jobs = startDemandJobs({
      reader,
      redis,
      keys,
      config,
      logger,
      ledger: opts.ledger,
      modelOf: (podKey) => models.get(podKey) ?? null,
    });
    jobs.run("refresh").catch((err: Error) => logger.warn({ error: err.message }, "first live-demand refresh failed"));
  };
  let stopped = false;
  if (redis.status === "ready") startJobs();
  else redis.once("ready", startJobs);
  // Still not connected: one read fails and says why (in /readyz, and a warning in the log).
  const notYet = setTimeout(() => {
    if (jobs === null) void reader.refresh();
  }, config.redis.connectTimeoutMs);
  notYet.unref();
  return {
    url: redactUrl(url),
    current: () => reader.current(),
    status: () => reader.status(),
    onPlaced(pod, allocation, at) {
      if (pod.model !== null) models.set(pod.key, pod.model);
      const fbMiB = allocation.devices.reduce((sum, d) => sum + unitsToMiB(d.units), 0);
      reader.notePlacement(allocation.node, pod.model, { fbMiB, util: expectedCompute(reader.current(), pod) }, at);
    },
    async stop() {
      stopped = true;
      clearTimeout(notYet);
      await jobs?.stop();
      redis.disconnect();
    },
  };
}

/** A replica's share of its model's forecast compute; 0 when the model has no forecast. */
function expectedCompute(snapshot: DemandSnapshot, pod: PodRequest): number {
  const forecast = pod.model === null ? null : (snapshot.models.get(pod.model)?.forecast ?? null);
  if (!forecast || forecast.gpuCompute === null || !forecast.replicas) return 0;
  return forecast.gpuCompute / forecast.replicas;
}
