/**
 * Runs a sweep's runs on worker threads: each thread gets the scenario once and pulls the next
 * run when it finishes one. The first failure (an error a run reports, an exception that kills a
 * thread, a thread that exits mid-run) stops every thread and rejects with the run named; results
 * come back in the order of `runs`, whichever thread finished first.
 */
import { Worker } from "node:worker_threads";
import type { RunResult } from "../results.js";
import type { Scenario } from "../scenario/types.js";
import { type RunRequest, runFailure, serializeError, type WorkerReply, type WorkerSetup } from "./messages.js";
import type { PlannedRun } from "./plan.js";
import type { SweepProgress } from "./progress.js";

/**
 * A run keeps one snapshot per node alive until that node changes again, a few thousand
 * placements later: with V8's default young generation (16 MiB semi-spaces) most of them are
 * copied by two scavenges and promoted before they die. 32 MiB semi-spaces let far more die
 * young; on the openb experiment that takes 15-20 % off a simple baseline's run
 * (bench/openb-policies.ts runs its policies under these limits, as the simulator does).
 */
export const RUN_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 96 } as const;

export interface WorkerPoolOptions {
  /** The worker script (worker-entry.js, or a test's stand-in speaking the same messages). */
  readonly workerUrl: URL;
  readonly threads: number;
  readonly progress: SweepProgress;
}

export function runInWorkers(
  scenario: Scenario,
  runs: readonly PlannedRun[],
  options: WorkerPoolOptions,
): Promise<RunResult[]> {
  const results = new Array<RunResult>(runs.length);
  if (runs.length === 0) return Promise.resolve(results);
  return new Promise((resolve, reject) => {
    const threads: Worker[] = [];
    let next = 0;
    let finished = 0;
    let failed = false;

    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      for (const t of threads) void t.terminate();
      reject(err);
    };

    const startThread = () => {
      const setup: WorkerSetup = { scenario };
      const thread = new Worker(options.workerUrl, { workerData: setup, resourceLimits: RUN_RESOURCE_LIMITS });
      threads.push(thread);
      let slot = -1;
      const current = (): PlannedRun | null => (slot < 0 ? null : runs[slot]);

      const dispatch = () => {
        if (failed) return;
        if (next >= runs.length) {
          slot = -1;
          void thread.terminate();
          return;
        }
        slot = next++;
        options.progress.runStarted(runs[slot]);
        const request: RunRequest = { run: runs[slot] };
        thread.postMessage(request);
      };

      thread.on("message", (reply: WorkerReply) => {
        if (failed || slot < 0) return;
        const run = runs[slot];
        if (reply.type === "progress") {
          options.progress.runProgress(run, reply.fraction);
        } else if (reply.type === "error") {
          fail(runFailure(run, reply.error));
        } else {
          results[slot] = reply.result;
          options.progress.runFinished(run, reply.result.wallSeconds);
          finished++;
          dispatch();
          if (finished === runs.length) resolve(results);
        }
      });
      thread.on("error", (err) => fail(runFailure(current(), serializeError(err))));
      thread.on("messageerror", (err) => fail(runFailure(current(), serializeError(err))));
      thread.on("exit", (code) => {
        const run = current();
        if (run !== null && !failed) {
          fail(runFailure(run, { name: "Error", message: `its worker thread exited (code ${code}) before finishing` }));
        }
      });
      dispatch();
    };

    try {
      for (let i = 0; i < Math.min(options.threads, runs.length); i++) startThread();
    } catch (err) {
      // E.g. a scenario that cannot be copied to a thread: stop the threads already started.
      fail(err as Error);
    }
  });
}
