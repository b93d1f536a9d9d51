/**
 * The human form of an explanation: what the pod asks for, how scores combine, one aligned row
 * per node (failed nodes show their reason across the score columns), the winner, and notes.
 * Colour only when asked (the CLI asks on a TTY without NO_COLOR), so piped output stays plain.
 */
import { formatRequest } from "../cluster/gpu-units.js";
import type { PodRequest } from "../cluster/types.js";
import { SIGNAL_NAMES, type TierfitConfig } from "../config/schema.js";
import { formatBytes, formatCpu, plural } from "../scoring/format.js";
import type { ExplainResult } from "./explain.js";
import type { ExplainedNode } from "./explanation.js";

const ANSI = { bold: "1", dim: "2", red: "31", green: "32" } as const;
type Style = keyof typeof ANSI;

export function formatExplanation(
  { request, explanation: e }: ExplainResult,
  config: TierfitConfig,
  opts: { color: boolean },
): string {
  const paint = (text: string, style: Style) => (opts.color ? `\u001b[${ANSI[style]}m${text}\u001b[0m` : text);
  const lines = [`Pod ${e.pod}: ${podSummary(request, config)}`, `Score: ${scoringSummary(config)}`, ""];

  const header = ["", "NODE", "RESULT", ...SIGNAL_NAMES, "SCORE", "RAW"];
  const rows = e.nodes.map((n) => rowCells(n, e.winner));
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (r.reason && i >= 3 ? 0 : r.cells[i].length))),
  );
  const numeric = (i: number) => i >= 3;
  const pad = (text: string, i: number) => (numeric(i) ? text.padStart(widths[i]) : text.padEnd(widths[i]));

  lines.push(paint(header.map(pad).join("  ").trimEnd(), "bold"));
  for (const row of rows) {
    const lead = row.cells.slice(0, 3).map(pad).join("  ");
    const line =
      row.reason === null
        ? `${lead}  ${row.cells
            .slice(3)
            .map((c, j) => pad(c, j + 3))
            .join("  ")}`
        : `${lead}  ${row.reason}`;
    const style: Style | null = row.winner ? "green" : row.reason !== null ? "red" : null;
    lines.push(style ? paint(line.trimEnd(), style) : line.trimEnd());
  }
  lines.push("");
  const winner = e.nodes.find((n) => n.name === e.winner);
  lines.push(
    winner
      ? paint(`Winner: ${winner.name} (score ${winner.score}, raw ${winner.rawScore?.toFixed(2)})`, "bold")
      : paint(`No node can take the pod (${plural(e.nodes.length, "node")} checked).`, "bold"),
  );
  if (e.devices && e.devices.length > 0) {
    lines.push("", "Devices:");
    for (const d of e.devices) {
      lines.push(`  ${d.node}: ${d.detail}`);
      for (const gpu of d.gpus) lines.push(paint(`    ${gpu}`, "dim"));
    }
  }
  if (e.notes.length > 0) {
    lines.push("", "Notes:");
    for (const note of e.notes) lines.push(paint(`  - ${note}`, "dim"));
  }
  return `${lines.join("\n")}\n`;
}

function rowCells(
  n: ExplainedNode,
  winner: string | null,
): { cells: string[]; reason: string | null; winner: boolean } {
  const isWinner = n.name === winner;
  const mark = isWinner ? "*" : "";
  if (!n.passed) return { cells: [mark, n.name, "fail"], reason: n.reason ?? "rejected", winner: false };
  const scores = SIGNAL_NAMES.map((s) => (n.signals[s] === undefined ? "-" : n.signals[s].toFixed(2)));
  return {
    cells: [mark, n.name, "pass", ...scores, String(n.score ?? "-"), n.rawScore?.toFixed(2) ?? "-"],
    reason: null,
    winner: isWinner,
  };
}

/** "1 GPU with 40 GiB, 8.25 CPU, 48.2 GiB memory; needs tier hypervisor (…); tenant chat; model m". */
function podSummary(pod: PodRequest, config: TierfitConfig): string {
  const each = pod.gpuCount > 1 ? " each" : "";
  const gpus =
    pod.gpuCount === 0 ? "no GPU" : `${plural(pod.gpuCount, "GPU")} with ${formatRequest(pod.gpuMemory)}${each}`;
  const parts = [
    `${gpus}, ${formatCpu(pod.resources.milliCpu)} CPU, ${formatBytes(pod.resources.memoryBytes)} memory`,
    `needs tier ${config.tiers[pod.tier]?.name ?? pod.tier} (${pod.tierSource})`,
    `tenant ${pod.tenant}`,
  ];
  // Sharing a GPU across tenants follows the runtime, not the annotation: say so when they differ.
  if (pod.sharingTier !== pod.tier) {
    const runtime =
      pod.runtimeClassName === undefined ? "no runtimeClassName" : `runtimeClassName ${pod.runtimeClassName}`;
    parts.splice(
      2,
      0,
      `runs at tier ${config.tiers[pod.sharingTier]?.name ?? pod.sharingTier} (${runtime}) for GPU sharing`,
    );
  }
  if (pod.model !== null) parts.push(`model ${pod.model}`);
  if (pod.workloadClass !== "default") parts.push(`workload class ${pod.workloadClass}`);
  return parts.join("; ");
}

function scoringSummary(config: TierfitConfig): string {
  if (config.scoring.expression !== null) return `expression ${config.scoring.expression}`;
  if (config.scoring.combine === "ranked") {
    const levels = config.scoring.ranked.map((l) => (l.step > 0 ? `${l.signal} (bands of ${l.step})` : l.signal));
    return `ranked, level by level: ${levels.join(", then ")}; each signal 0..10`;
  }
  const weights = SIGNAL_NAMES.map((s) => `${s} ${config.scoring.weights[s]}`).join(", ");
  return `weighted mean of the signals (weights: ${weights}), each 0..10`;
}
