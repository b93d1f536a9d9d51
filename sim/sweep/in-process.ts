/**
 * Runs a sweep's runs one after another on this thread: the path for --workers 1 and for code
 * running from TypeScript sources (tests), where no compiled worker script exists. Yields to the
 * event loop between runs so a progress bar can redraw.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import type { RunResult } from "../results.js";
import { runOne } from "../run-one.js";
import type { Scenario } from "../scenario/types.js";
import { runFailure, serializeError } from "./messages.js";
import type { PlannedRun } from "./plan.js";
import type { SweepProgress } from "./progress.js";

export async function runInProcess(
  scenario: Scenario,
  runs: readonly PlannedRun[],
  progress: SweepProgress,
): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (const run of runs) {
    progress.runStarted(run);
    await nextTurn();
    let result: RunResult;
    try {
      result = runOne({
        scenario,
        policy: run.policy,
        seed: run.seed,
        onProgress: (fraction) => progress.runProgress(run, fraction),
      });
    } catch (err) {
      throw runFailure(run, serializeError(err));
    }
    results.push(result);
    progress.runFinished(run, result.wallSeconds);
  }
  return results;
}
