/**
 * The terminal progress bar (cli-progress on stderr): runs done, the runs in flight with how far
 * each has got, and an ETA from the sweep's overall pace (work done counts finished runs plus the
 * fractions of the running ones, so the estimate moves during long runs).
 */
import { performance } from "node:perf_hooks";
import { Presets, SingleBar } from "cli-progress";
import { type PlannedRun, runLabel } from "./plan.js";
import { estimateRemaining, formatDuration, type SweepProgress } from "./progress.js";

const CURRENT_WIDTH = 60;

export function barProgress(stream: NodeJS.WriteStream): SweepProgress {
  const bar = new SingleBar(
    {
      stream,
      format: "simulate [{bar}] {done}/{runs} runs | ETA {remaining} | {current}",
      hideCursor: true,
      barsize: 30,
      fps: 5,
    },
    Presets.shades_classic,
  );
  const running = new Map<number, { run: PlannedRun; fraction: number }>();
  let total = 0;
  let done = 0;
  let started = 0;

  const redraw = () => {
    const inFlight = [...running.values()];
    const value = done + inFlight.reduce((sum, r) => sum + r.fraction, 0);
    const remaining = estimateRemaining((performance.now() - started) / 1000, value, total);
    let current = inFlight.map((r) => `${runLabel(r.run)} ${Math.floor(r.fraction * 100)}%`).join(", ");
    if (current.length > CURRENT_WIDTH) current = `${current.slice(0, CURRENT_WIDTH - 1)}…`;
    bar.update(value, { done, runs: total, remaining: remaining === null ? "…" : formatDuration(remaining), current });
  };

  return {
    start(runs) {
      total = runs;
      started = performance.now();
      bar.start(runs, 0, { done: 0, runs, remaining: "…", current: "" });
    },
    runStarted(run) {
      running.set(run.index, { run, fraction: 0 });
      redraw();
    },
    runProgress(run, fraction) {
      const entry = running.get(run.index);
      if (entry) entry.fraction = Math.min(1, Math.max(0, fraction));
      redraw();
    },
    runFinished(run) {
      running.delete(run.index);
      done++;
      redraw();
    },
    stop() {
      bar.stop();
    },
  };
}
