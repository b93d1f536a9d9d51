/** `tierfit report`: a capacity report as tables a person reads. */
import { type CapacityReport, formatMiB, type UsageFigures } from "./capacity-report.js";
import { cell, textTable } from "./text-table.js";

function figures(f: UsageFigures): string[] {
  return [
    `${f.allocatedDevices}/${f.devices}`,
    cell(f.allocatedGpus, 2),
    f.measuredDevices === 0 ? "-" : cell(f.usedGpus, 2),
    formatMiB(f.allocatedMiB),
    f.measuredDevices === 0 ? "-" : formatMiB(f.usedMiB),
    `${f.measuredDevices}/${f.allocatedDevices}`,
  ];
}

const FIGURE_HEADERS = ["GPUS HELD", "GPU-EQ ALLOC", "GPU-EQ USED", "MEM ALLOC", "MEM USED", "MEASURED"];

export function formatReportTable(r: CapacityReport): string {
  const lines = [
    `Capacity report of ${new Date(r.takenAt).toISOString()} (used = live telemetry of the allocated GPUs; MEASURED = allocated GPUs with fresh telemetry)`,
    "",
    "Per tier",
    textTable(
      ["TIER", ...FIGURE_HEADERS],
      r.tiers.map((t) => [t.tier, ...figures(t)]),
    ),
    "",
    "Per node",
    textTable(
      ["NODE", "TIER", "TELEMETRY", ...FIGURE_HEADERS],
      r.nodes.map((n) => [n.node, n.tier, n.telemetry, ...figures(n)]),
    ),
    "",
    `Allocated but idle GPUs: ${r.idleDevices.length}`,
    ...r.idleDevices.map((d) => `  ${d.message}`),
    "",
    `Right-sizing suggestions: ${r.rightSizing.length}`,
    ...r.rightSizing.map((s) => `  ${s.message}`),
  ];
  return `${lines.join("\n")}\n`;
}
