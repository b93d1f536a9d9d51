/**
 * What one scrape of one target says, before rates and aggregation: GPU devices (DCGM exporter,
 * Triton) and inference servers (vLLM, Triton). Pure data; the source readers fill it.
 */

/** Labels that name the Kubernetes node a series comes from, in the order they are trusted. */
export const NODE_LABELS = ["node", "kubernetes_node", "node_name", "Hostname"] as const;

export interface DeviceReading {
  readonly source: "dcgm" | "triton";
  readonly node: string | null;
  /** null when the exporter names the device by UUID only (Triton). */
  readonly index: number | null;
  readonly uuid: string | null;
  readonly product: string | null;
  readonly fbUsedMiB: number | null;
  readonly fbFreeMiB: number | null;
  readonly fbReservedMiB: number | null;
  /** Reported directly (Triton) or null, then free + used (+ reserved). */
  readonly fbTotalMiB: number | null;
  /** 0..1 */
  readonly util: number | null;
  readonly pods: readonly string[];
}

/** Counter series ids (keys of TargetReading.counters) of one server, by what they count. */
export interface ServerCounters {
  readonly requests: readonly string[];
  readonly promptTokens: readonly string[];
  readonly generationTokens: readonly string[];
  /** Cumulative queue time, µs (Triton). */
  readonly queueMicros: readonly string[];
}

/** One model served by one target (several engines of one vLLM process count as one server). */
export interface ServerReading {
  readonly source: "vllm" | "triton";
  readonly model: string;
  readonly node: string | null;
  readonly running: number | null;
  readonly waiting: number | null;
  readonly kvUtil: number | null;
  readonly counters: ServerCounters;
}

export interface TargetReading {
  readonly devices: readonly DeviceReading[];
  readonly servers: readonly ServerReading[];
  /** Counter values by series id (`name{sorted labels}`). */
  readonly counters: ReadonlyMap<string, number>;
}

export function nodeFromLabels(labels: Readonly<Record<string, string>>): string | null {
  for (const l of NODE_LABELS) {
    const v = labels[l];
    if (v) return v;
  }
  return null;
}

/** A stable id for one series: its name and labels in sorted order. */
export function seriesId(name: string, labels: Readonly<Record<string, string>>): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `${name}{${parts.join(",")}}`;
}

/** Sum of the values, or null if there are none. */
export function sumOrNull(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let s = 0;
  for (const v of values) s += v;
  return s;
}

export function meanOrNull(values: readonly number[]): number | null {
  const s = sumOrNull(values);
  return s === null ? null : s / values.length;
}
