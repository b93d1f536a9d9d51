import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import type { Scenario } from "../../../sim/scenario/types.js";
import { runInProcess } from "../../../sim/sweep/in-process.js";
import { type PlannedRun, planSweep, runLabel } from "../../../sim/sweep/plan.js";
import { quietProgress, type SweepProgress } from "../../../sim/sweep/progress.js";
import { runInWorkers } from "../../../sim/sweep/worker-pool.js";
import { TierfitError } from "../../../src/errors.js";
import { tinyScenario, withoutTiming } from "./support.js";

const SCRIPTED = new URL("./fixtures/scripted-worker.mjs", import.meta.url);
const scenario = { name: "scripted" } as Scenario;

function recorder() {
  const events: string[] = [];
  const progress: SweepProgress = {
    start: () => {},
    runStarted: (run) => events.push(`start ${runLabel(run)}`),
    runProgress: (run, f) => events.push(`progress ${runLabel(run)} ${f}`),
    runFinished: (run) => events.push(`done ${runLabel(run)}`),
    stop: () => {},
  };
  return { events, progress };
}

function runs(policies: string[], seeds: number[]): readonly PlannedRun[] {
  return planSweep("scripted", policies, seeds).runs;
}

describe("worker pool", () => {
  it("runs everything on several threads and returns results in run order", async () => {
    const { events, progress } = recorder();
    const planned = runs(["a", "b"], [1, 2, 3, 4]);
    const results = await runInWorkers(scenario, planned, { workerUrl: SCRIPTED, threads: 3, progress });
    expect(results.map((r) => [r.policy, r.seed, r.metrics.seedSquared])).toEqual(
      planned.map((r) => [r.policy, r.seed, r.seed * r.seed]),
    );
    expect(results.every((r) => r.scenario === "scripted")).toBe(true);
    for (const run of planned) {
      const label = runLabel(run);
      expect(events.filter((e) => e.endsWith(label) || e.includes(`${label} `))).toEqual([
        `start ${label}`,
        `progress ${label} 0.5`,
        `done ${label}`,
      ]);
    }
  });

  it("fails with the run named when a run reports an operator error, keeping it a TierfitError", async () => {
    const planned = runs(["a", "reports-error"], [1, 2]);
    const failure = runInWorkers(scenario, planned, { workerUrl: SCRIPTED, threads: 2, progress: quietProgress });
    // Two threads fail side by side; which reports first depends on the machine's load.
    await expect(failure).rejects.toThrow(/run reports-error seed ([12]) failed: trace row \1 is malformed/);
    await expect(failure).rejects.toBeInstanceOf(TierfitError);
  });

  it("fails with the run named when a thread dies of an exception (a bug), never hanging", async () => {
    const failure = runInWorkers(scenario, runs(["throws"], [7]), {
      workerUrl: SCRIPTED,
      threads: 2,
      progress: quietProgress,
    });
    await expect(failure).rejects.toThrow("run throws seed 7 failed: TypeError: cannot read property of seed 7");
    await expect(failure).rejects.not.toBeInstanceOf(TierfitError);
  });

  it("fails with the run named when a thread exits in the middle of a run", async () => {
    const failure = runInWorkers(scenario, runs(["a", "exits"], [5]), {
      workerUrl: SCRIPTED,
      threads: 2,
      progress: quietProgress,
    });
    await expect(failure).rejects.toThrow(
      "run exits seed 5 failed: its worker thread exited (code 3) before finishing",
    );
  });

  it("returns nothing for no runs without starting a thread", async () => {
    await expect(
      runInWorkers(scenario, [], { workerUrl: SCRIPTED, threads: 2, progress: quietProgress }),
    ).resolves.toEqual([]);
  });
});

const COMPILED = new URL("../../../dist/sim/sweep/worker-entry.js", import.meta.url);

describe("the compiled worker (dist/)", () => {
  it.skipIf(!existsSync(COMPILED))(
    "gives the same results as running in this process (skipped when dist/ is not built: npm run build)",
    async () => {
      const tiny = tinyScenario();
      const planned = planSweep(tiny.name, tiny.policies, tiny.seeds).runs;
      const threaded = await runInWorkers(tiny, planned, {
        workerUrl: pathToFileURL(COMPILED.pathname),
        threads: 2,
        progress: quietProgress,
      });
      const local = await runInProcess(tiny, planned, quietProgress);
      expect(threaded).toHaveLength(6);
      expect(withoutTiming(threaded)).toEqual(withoutTiming(local));
    },
  );
});
