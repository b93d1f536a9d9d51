/**
 * Where a sweep's runs execute: on worker threads (one per core by default, never more than
 * runs) from the compiled worker script, or one after another on this thread when one thread is
 * asked for or the code runs from TypeScript sources (tests, tsx), where no compiled worker exists.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { RunResult } from "../results.js";
import type { Scenario } from "../scenario/types.js";
import { runInProcess } from "./in-process.js";
import type { PlannedRun } from "./plan.js";
import type { SweepProgress } from "./progress.js";
import { runInWorkers } from "./worker-pool.js";

export interface ExecuteOptions {
  /** Threads wanted; default min(runs, cores). */
  readonly workers?: number;
  readonly progress: SweepProgress;
  /** The worker script; default the compiled worker-entry.js beside this file, when there is one. */
  readonly workerUrl?: URL | null;
}

export interface Execution {
  readonly results: RunResult[];
  /** Worker threads used; 1 = ran on this thread. */
  readonly threads: number;
  /** Set when more threads were wanted than could be used, saying why. */
  readonly note?: string;
}

/** worker-entry.js beside this module when running compiled; null from TypeScript sources. */
export function compiledWorkerUrl(): URL | null {
  if (!import.meta.url.endsWith(".js")) return null;
  const url = new URL("./worker-entry.js", import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : null;
}

export function defaultThreads(runCount: number): number {
  return Math.max(1, Math.min(runCount, availableParallelism()));
}

export async function executeRuns(
  scenario: Scenario,
  runs: readonly PlannedRun[],
  options: ExecuteOptions,
): Promise<Execution> {
  const wanted = Math.min(options.workers ?? defaultThreads(runs.length), Math.max(1, runs.length));
  const workerUrl = options.workerUrl === undefined ? compiledWorkerUrl() : options.workerUrl;
  const threads = wanted > 1 && workerUrl !== null ? wanted : 1;
  const note =
    options.workers !== undefined && wanted > 1 && workerUrl === null
      ? "running in this process: no compiled worker script (build with npm run build to use worker threads)"
      : undefined;
  options.progress.start(runs.length, threads);
  try {
    const results =
      threads > 1 && workerUrl !== null
        ? await runInWorkers(scenario, runs, { workerUrl, threads, progress: options.progress })
        : await runInProcess(scenario, runs, options.progress);
    return { results, threads, note };
  } finally {
    options.progress.stop();
  }
}
