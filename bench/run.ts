/**
 * `npm run bench`: runs every bench module and prints one table of figures, then any summary
 * lines the modules give (the bind bench's line comes last). Each module measures its own
 * baseline in the same run, so ratios compare like with like on this machine.
 * Arguments pick modules by name: `npm run bench -- scoring engine`; `npm run bench -- simulator-1m`
 * runs the full 1M-pod, 10k-node synthetic run, which is left out by default.
 */

import { type BenchReport, benchBind } from "./bind.js";
import { benchCli } from "./cli.js";
import { benchEngine } from "./engine.js";
import { benchExtender } from "./extender.js";
import { benchOpenbPolicies } from "./openb-policies.js";
import { benchRedisSnapshot } from "./redis-snapshot.js";
import { benchScoring } from "./scoring.js";
import { benchSimulator } from "./simulator.js";

interface BenchRow {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly note?: string;
}

/** `optIn` modules run only when named: the full 1M-pod, 10k-node synthetic run takes the better part of an hour. */
const MODULES: readonly {
  readonly name: string;
  readonly run: () => Promise<readonly BenchRow[] | BenchReport>;
  readonly optIn?: boolean;
}[] = [
  { name: "engine", run: benchEngine },
  { name: "scoring", run: benchScoring },
  { name: "openb-policies", run: benchOpenbPolicies },
  { name: "redis-snapshot", run: benchRedisSnapshot },
  { name: "extender", run: benchExtender },
  { name: "cli", run: benchCli },
  { name: "bind", run: () => benchBind() },
  { name: "simulator", run: () => benchSimulator({ syntheticPods: 100_000, syntheticNodes: 1_000 }) },
  { name: "simulator-1m", run: () => benchSimulator(), optIn: true },
];

function formatValue(value: number): string {
  return value.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

function printTable(rows: readonly BenchRow[]): void {
  const nameWidth = Math.max(...rows.map((r) => r.name.length), 6);
  const values = rows.map((r) => formatValue(r.value));
  const valueWidth = Math.max(...values.map((v) => v.length), 5);
  const unitWidth = Math.max(...rows.map((r) => r.unit.length), 4);
  console.log(`${"figure".padEnd(nameWidth)}  ${"value".padStart(valueWidth)}  ${"unit".padEnd(unitWidth)}  note`);
  console.log(`${"-".repeat(nameWidth)}  ${"-".repeat(valueWidth)}  ${"-".repeat(unitWidth)}  ----`);
  rows.forEach((r, i) => {
    console.log(
      `${r.name.padEnd(nameWidth)}  ${values[i].padStart(valueWidth)}  ${r.unit.padEnd(unitWidth)}  ${r.note ?? ""}`,
    );
  });
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !MODULES.some((m) => m.name === w));
  if (unknown.length > 0) {
    console.error(`unknown bench module ${unknown.join(", ")}; modules: ${MODULES.map((m) => m.name).join(", ")}`);
    process.exitCode = 2;
    return;
  }
  const rows: BenchRow[] = [];
  const lines: string[] = [];
  for (const m of MODULES) {
    if (wanted.length > 0 ? !wanted.includes(m.name) : m.optIn) continue;
    console.error(`bench: ${m.name}…`);
    const result = await m.run();
    if ("lines" in result) {
      rows.push(...result.rows);
      lines.push(...result.lines);
    } else rows.push(...result);
  }
  printTable(rows);
  for (const line of lines) console.log(line);
}

await main();
