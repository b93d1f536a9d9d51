import { describe, expect, it } from "vitest";
import { planSweep } from "../../../sim/sweep/plan.js";
import { estimateRemaining, formatDuration, lineProgress } from "../../../sim/sweep/progress.js";
import { barProgress } from "../../../sim/sweep/progress-bar.js";

const [a1, a2, b1, b2] = planSweep("s", ["a", "b"], [1, 2]).runs;

describe("sweep progress", () => {
  it("writes one line per finished run when stderr is not a terminal", () => {
    const lines: string[] = [];
    const progress = lineProgress((l) => lines.push(l));
    progress.start(4, 2);
    progress.runStarted(a1);
    progress.runProgress(a1, 0.5);
    progress.runFinished(a1, 1.26);
    progress.runFinished(b2, 0.04);
    progress.stop();
    expect(lines).toEqual([
      "simulate: 4 run(s) on 2 worker threads",
      "simulate: [1/4] a seed 1 done in 1.3 s",
      "simulate: [2/4] b seed 2 done in 0.0 s",
    ]);
  });

  it("draws a bar with runs done, the runs in flight and their fractions, and an ETA", () => {
    let out = "";
    const stream = {
      isTTY: true,
      columns: 200,
      write: (s: string) => {
        out += s;
        return true;
      },
    } as unknown as NodeJS.WriteStream;
    const progress = barProgress(stream);
    progress.start(4, 2);
    progress.runStarted(a1);
    progress.runStarted(a2);
    progress.runFinished(a1, 1);
    progress.runStarted(b1);
    progress.runProgress(a2, 0.25);
    progress.runProgress(b1, 0.5);
    progress.stop();
    const last = out
      .split(new RegExp(`\r|\n|${String.fromCharCode(27)}\\[\\d*[A-Za-z]`))
      .filter((s) => s.includes("simulate ["))
      .at(-1);
    expect(last).toMatch(/^simulate \[[█░]+\] 1\/4 runs \| ETA (\d+s|…) \| a seed 2 25%, b seed 1 50%$/);
  });

  it("estimates the time left from the pace so far", () => {
    expect(estimateRemaining(10, 1, 4)).toBe(30);
    expect(estimateRemaining(10, 2.5, 4)).toBe(6);
    expect(estimateRemaining(0, 0, 4)).toBeNull();
    expect([5, 65, 3600 + 180, Number.NaN].map(formatDuration)).toEqual(["5s", "1m05s", "1h03m", "–"]);
  });
});
