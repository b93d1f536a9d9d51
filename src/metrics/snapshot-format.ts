/** `tierfit demand show`: a demand snapshot as tables or JSON, each entry with its age and stale flag. */
import type { DemandSnapshot, ModelDemand, NodeTelemetry } from "../scoring/demand-snapshot.js";
import { formatDuration, formatMiB } from "./capacity-report.js";
import { cell, percentCell, textTable } from "./text-table.js";

function age(now: number, ts: number): string {
  return formatDuration(Math.max(0, (now - ts) / 1000));
}

function nodeRows(t: NodeTelemetry, now: number): string[][] {
  const pending = t.pending
    ? `+${t.pending.placements} (${formatMiB(t.pending.fbMiB)}, ${cell(t.pending.util, 2)} GPU)`
    : "";
  return t.devices.map((d) => [
    t.node,
    String(d.index),
    d.uuid ?? "-",
    formatMiB(d.fbUsedMiB),
    formatMiB(d.fbTotalMiB),
    percentCell(d.util),
    age(now, t.ts),
    t.stale ? "STALE" : "fresh",
    pending,
  ]);
}

function modelRow(m: ModelDemand, now: number): string[] {
  const f = m.forecast;
  return [
    m.model,
    String(m.servers),
    cell(m.running, 0),
    cell(m.waiting, 0),
    percentCell(m.kvCacheUsage),
    cell(m.rps, 2),
    cell(m.generationTokensPerSecond, 0),
    cell(m.queueMs, 1),
    age(now, m.ts),
    m.stale ? "STALE" : "fresh",
    f ? `${cell(f.rps, 2)} rps in ${formatDuration(f.horizonSeconds)} (${f.method})` : "-",
    f?.replicas != null ? `${f.replicas} × ${f.gpuMemoryMiB != null ? formatMiB(f.gpuMemoryMiB) : "?"}` : "-",
  ];
}

export function formatSnapshotTable(s: DemandSnapshot, now: number): string {
  const nodes = [...s.nodes.values()].sort((a, b) => a.node.localeCompare(b.node));
  const models = [...s.models.values()].sort((a, b) => a.model.localeCompare(b.model));
  const parts = [
    `GPU telemetry: ${nodes.length} node${nodes.length === 1 ? "" : "s"}`,
    textTable(
      ["NODE", "GPU", "UUID", "USED", "TOTAL", "UTIL", "AGE", "STATE", "PENDING"],
      nodes.flatMap((t) => nodeRows(t, now)),
    ),
    "",
    `Model demand: ${models.length} model${models.length === 1 ? "" : "s"}`,
    textTable(
      [
        "MODEL",
        "SERVERS",
        "RUNNING",
        "WAITING",
        "KV",
        "RPS",
        "GEN TOK/S",
        "QUEUE MS",
        "AGE",
        "STATE",
        "FORECAST",
        "NEEDS",
      ],
      models.map((m) => modelRow(m, now)),
    ),
  ];
  return `${parts.join("\n")}\n`;
}

/** The snapshot as plain JSON (maps as objects), with each entry's age in seconds. */
export function snapshotToJson(s: DemandSnapshot, now: number): unknown {
  const ageSeconds = (ts: number) => Math.max(0, (now - ts) / 1000);
  return {
    takenAt: s.takenAt,
    nodes: Object.fromEntries([...s.nodes].map(([name, t]) => [name, { ...t, ageSeconds: ageSeconds(t.ts) }])),
    models: Object.fromEntries(
      [...s.models].map(([name, m]) => [
        name,
        {
          ...m,
          ageSeconds: ageSeconds(m.ts),
          nodes: Object.fromEntries([...m.nodes].map(([n, d]) => [n, { ...d, ageSeconds: ageSeconds(d.ts) }])),
        },
      ]),
    ),
  };
}
