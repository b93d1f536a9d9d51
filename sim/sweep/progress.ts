/**
 * Progress of a sweep, told three ways: a live bar on a terminal, one line per finished run when
 * stderr is a file or a pipe (a Job's log), nothing with --quiet. The executors report to this
 * interface and never know which one listens.
 */
import { type PlannedRun, runLabel } from "./plan.js";

export interface SweepProgress {
  start(total: number, threads: number): void;
  runStarted(run: PlannedRun): void;
  /** `fraction` of the run done, 0..1. */
  runProgress(run: PlannedRun, fraction: number): void;
  runFinished(run: PlannedRun, wallSeconds: number): void;
  /** Called once, after the last run or on failure. */
  stop(): void;
}

export const quietProgress: SweepProgress = {
  start() {},
  runStarted() {},
  runProgress() {},
  runFinished() {},
  stop() {},
};

/** One line per finished run: readable in `kubectl logs`, where a redrawn bar is noise. */
export function lineProgress(write: (line: string) => void): SweepProgress {
  let total = 0;
  let done = 0;
  return {
    start(runs, threads) {
      total = runs;
      const where = threads > 1 ? `on ${threads} worker threads` : "in this process";
      write(`simulate: ${runs} run(s) ${where}`);
    },
    runStarted() {},
    runProgress() {},
    runFinished(run, wallSeconds) {
      done++;
      write(`simulate: [${done}/${total}] ${runLabel(run)} done in ${wallSeconds.toFixed(1)} s`);
    },
    stop() {},
  };
}

/** `1m05s`, `42s`, `2h03m`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "–";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** Remaining time if the rest goes as fast as what is done so far; null before anything is done. */
export function estimateRemaining(elapsedSeconds: number, doneUnits: number, totalUnits: number): number | null {
  if (doneUnits <= 0 || elapsedSeconds <= 0) return null;
  return (elapsedSeconds * (totalUnits - doneUnits)) / doneUnits;
}
