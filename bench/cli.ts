/**
 * CLI start-up: whole-process wall time of `tierfit --version`, `--help` and `explain` on the
 * shipped example, against `node -e 0` (Node's own start-up) timed in the same rounds, so the
 * ratio says what tierfit adds on this machine. Rounds interleave the commands so load that
 * comes and goes touches all of them alike; each figure is the median of its rounds.
 */
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { repoRoot } from "./repo-root.js";

export interface BenchRow {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly note?: string;
}

const ROUNDS = 7;

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  /** The target for this command, in seconds. */
  readonly target?: number;
}

function wallSeconds(args: readonly string[], cwd: string): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, args, { cwd, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const seconds = (performance.now() - start) / 1000;
  if (run.status !== 0) throw new Error(`node ${args.join(" ")} exited ${run.status}: ${run.stderr}`);
  return seconds;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export async function benchCli(): Promise<BenchRow[]> {
  const root = repoRoot(import.meta.url);
  const bin = join(root, "bin", "tierfit.js");
  const cases: readonly Case[] = [
    { name: "node -e 0", args: ["-e", "0"] },
    { name: "tierfit --version", args: [bin, "--version"], target: 0.5 },
    { name: "tierfit --help", args: [bin, "--help"], target: 0.5 },
    { name: "tierfit explain (shipped example)", args: [bin, "explain"], target: 1.5 },
  ];
  for (const c of cases) wallSeconds(c.args, root); // warm the file cache
  const times = cases.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) {
    cases.forEach((c, i) => {
      times[i].push(wallSeconds(c.args, root));
    });
  }
  const medians = times.map(median);
  const floor = medians[0];
  return cases.map((c, i) => ({
    name: `cli: ${c.name}`,
    value: medians[i],
    unit: "s",
    note:
      i === 0
        ? `median of ${ROUNDS}; Node's own start-up, the floor (1-min load average at the end: ${loadavg()[0].toFixed(1)})`
        : `median of ${ROUNDS} (${Math.min(...times[i]).toFixed(2)}–${Math.max(...times[i]).toFixed(2)}); ${(medians[i] / floor).toFixed(1)}× node -e 0, +${(medians[i] - floor).toFixed(2)} s; target < ${c.target} s`,
  }));
}
