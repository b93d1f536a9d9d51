/**
 * The exporter bridge: scrapes Prometheus text endpoints (DCGM exporter, vLLM, Triton), turns
 * counters into rates, aggregates per node and per model, and writes each round to Redis in one
 * MULTI. A target that fails or serves malformed text is logged with its URL and skipped; the
 * others are still written, and what it used to report turns stale in the readers.
 */
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { RedisConfig } from "../../config/schema.js";
import type { RedisKeys } from "../redis-schema.js";
import { mergeDevices, modelSamples, type ServerLoad, serverLoad, type UuidIndex } from "./aggregate.js";
import { CounterRates } from "./counter-rates.js";
import { parseExposition } from "./exposition.js";
import { readTarget } from "./read-target.js";
import type { DeviceReading } from "./readings.js";
import type { BridgeTarget } from "./targets.js";
import { writeRound } from "./write-round.js";

export type FetchText = (url: string, timeoutMs: number) => Promise<string>;

export interface BridgeOptions {
  readonly targets: readonly BridgeTarget[];
  /** Targets found afresh each round (discovery.ts); a URL listed in `targets` as well is scraped once. */
  readonly discover?: () => Promise<readonly BridgeTarget[]>;
  readonly redis: Redis;
  readonly keys: RedisKeys;
  readonly config: Pick<
    RedisConfig,
    "telemetryTtlSeconds" | "historyTtlSeconds" | "historyLength" | "historySampleSeconds"
  >;
  readonly logger: Logger;
  readonly scrapeTimeoutMs: number;
  readonly now?: () => number;
  readonly fetchText?: FetchText;
}

export interface RoundSummary {
  readonly at: number;
  readonly scraped: readonly string[];
  readonly failed: readonly { url: string; error: string }[];
  readonly nodes: number;
  readonly models: number;
  /** Set when the round could not be written to Redis. */
  readonly writeError: string | null;
}

export const fetchPrometheusText: FetchText = async (url, timeoutMs) => {
  const res = await fetch(url, {
    signal: AbortSignal.timeout(timeoutMs),
    headers: { accept: "text/plain;version=0.0.4;q=1, */*;q=0.1" },
  });
  if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`.trim());
  return res.text();
};

export class Bridge {
  private readonly rates = new CounterRates();
  private readonly uuidIndex: UuidIndex = new Map();
  private readonly lastHistoryAt = new Map<string, number>();
  private readonly warned = new Set<string>();
  /** What discovery found last; kept for a round in which the API server does not answer. */
  private discovered: readonly BridgeTarget[] = [];
  private readonly now: () => number;
  private readonly fetchText: FetchText;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<RoundSummary> | null = null;
  private stopped = false;

  constructor(private readonly opts: BridgeOptions) {
    this.now = opts.now ?? Date.now;
    this.fetchText = opts.fetchText ?? fetchPrometheusText;
  }

  /** One round: scrape every target, write what came back. Never throws for a target's failure. */
  async runRound(): Promise<RoundSummary> {
    const at = this.now();
    const targets = await this.targets();
    const results = await Promise.allSettled(targets.map((t) => this.scrape(t)));
    const loads: ServerLoad[] = [];
    const devices: DeviceReading[] = [];
    const scraped: string[] = [];
    const failed: { url: string; error: string }[] = [];
    results.forEach((r, i) => {
      const target = targets[i];
      if (r.status === "rejected") {
        const error = (r.reason as Error).message;
        failed.push({ url: target.url, error });
        this.opts.logger.warn({ url: target.url, err: error }, "scrape failed; target skipped this round");
        return;
      }
      scraped.push(target.url);
      const rates = this.rates.observe(target.url, at, r.value.counters);
      for (const s of r.value.servers) loads.push(serverLoad(s, rates));
      devices.push(...r.value.devices);
      if (r.value.servers.length === 0 && r.value.devices.length === 0) {
        this.warnOnce(`${target.url}|empty`, { url: target.url }, "target exposes no DCGM, vLLM or Triton metric");
      }
      for (const s of r.value.servers) {
        if (s.node === null) {
          this.warnOnce(
            `${target.url}|${s.model}|node`,
            { url: target.url, model: s.model },
            "server's node unknown: counted in the model's demand only (map it with --node URL=NODE)",
          );
        }
      }
    });
    const merged = mergeDevices(devices, at, this.uuidIndex);
    for (const { reading, reason } of merged.skipped) {
      this.warnOnce(`${reading.uuid ?? reading.index}|${reason}`, { uuid: reading.uuid, index: reading.index }, reason);
    }
    const models = modelSamples(loads, at);
    const historyModels = new Set<string>();
    for (const m of models) {
      const last = this.lastHistoryAt.get(m.model);
      if (last === undefined || at - last >= this.opts.config.historySampleSeconds * 1000) historyModels.add(m.model);
    }
    let writeError: string | null = null;
    try {
      await writeRound(
        this.opts.redis,
        this.opts.keys,
        { at, nodes: merged.nodes, models, historyModels },
        this.opts.config,
      );
      for (const m of historyModels) this.lastHistoryAt.set(m, at);
    } catch (err) {
      writeError = (err as Error).message;
      this.opts.logger.error({ err: writeError }, "writing the round to Redis failed");
    }
    this.rates.forgetOlderThan(at - this.opts.config.telemetryTtlSeconds * 1000);
    return { at, scraped, failed, nodes: merged.nodes.length, models: models.length, writeError };
  }

  /** Runs a round now and then every `intervalMs` after the previous one ends, until stop(). */
  start(intervalMs: number): void {
    this.stopped = false;
    const tick = async () => {
      this.inFlight = this.runRound();
      try {
        this.opts.logger.debug(await this.inFlight, "bridge round");
      } catch (err) {
        this.opts.logger.error({ err: (err as Error).message }, "bridge round failed");
      }
      this.inFlight = null;
      if (!this.stopped) this.timer = setTimeout(tick, intervalMs);
    };
    void tick();
  }

  /** Stops scheduling and waits for a round in progress to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.inFlight) await this.inFlight.catch(() => {});
  }

  /** The listed targets, then those discovered that are not listed. */
  private async targets(): Promise<readonly BridgeTarget[]> {
    if (this.opts.discover === undefined) return this.opts.targets;
    try {
      this.discovered = await this.opts.discover();
    } catch (err) {
      this.opts.logger.warn(
        { err: (err as Error).message, kept: this.discovered.length },
        "discovering scrape targets failed; scraping those found last time",
      );
    }
    const listed = new Set(this.opts.targets.map((t) => t.url));
    return [...this.opts.targets, ...this.discovered.filter((t) => !listed.has(t.url))];
  }

  private async scrape(target: BridgeTarget) {
    const text = await this.fetchText(target.url, this.opts.scrapeTimeoutMs);
    return readTarget(parseExposition(text), target.node);
  }

  private warnOnce(key: string, fields: object, msg: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.opts.logger.warn(fields, msg);
  }
}
