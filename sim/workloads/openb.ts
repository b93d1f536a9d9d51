/**
 * The Alibaba openb GPU trace (cluster-trace-gpu-v2023, the FGD paper's data): strict parsers
 * for its node lists and pod lists into typed records. Column meanings are in
 * config/scenarios/data/alibaba-openb/README.md.
 */
import { TierfitError } from "../../src/errors.js";
import { type CsvRow, FieldReader, readCsvRows } from "./csv-table.js";
import { readTraceText } from "./read-trace.js";

export interface OpenbNode {
  readonly name: string;
  readonly milliCpu: number;
  readonly memoryMiB: number;
  /** Whole GPUs on the node. */
  readonly gpus: number;
  /** GPU model (`T4`, `G2`, …); "" for a CPU-only node. */
  readonly model: string;
}

export const OPENB_QOS = ["LS", "BE", "Burstable", "Guaranteed"] as const;
export type OpenbQos = (typeof OPENB_QOS)[number];
export const OPENB_PHASES = ["Running", "Succeeded", "Failed", "Pending"] as const;
export type OpenbPhase = (typeof OPENB_PHASES)[number];

export interface OpenbPod {
  readonly name: string;
  readonly milliCpu: number;
  readonly memoryMiB: number;
  /** GPUs requested (0 for a CPU-only pod). */
  readonly gpuCount: number;
  /** Thousandths of each GPU; below 1000 only for GPU-sharing pods, 0 for CPU-only ones. */
  readonly gpuMilli: number;
  /** Allowed GPU models; empty = any. */
  readonly gpuSpec: readonly string[];
  /** The next four are null in the 5-column multigpu lists, which do not carry them. */
  readonly qos: OpenbQos | null;
  readonly phase: OpenbPhase | null;
  /** Seconds on the trace's anonymised clock. */
  readonly creationTime: number | null;
  readonly deletionTime: number | null;
  /** Null for pods that were never bound. */
  readonly scheduledTime: number | null;
}

const NODE_COLUMNS = ["sn", "cpu_milli", "memory_mib", "gpu", "model"] as const;
const POD_COLUMNS_FULL = [
  "name",
  "cpu_milli",
  "memory_mib",
  "num_gpu",
  "gpu_milli",
  "gpu_spec",
  "qos",
  "pod_phase",
  "creation_time",
  "deletion_time",
  "scheduled_time",
] as const;
const POD_COLUMNS_SHORT = POD_COLUMNS_FULL.slice(0, 5);

const ANY = Number.MAX_SAFE_INTEGER;
/** The trace never has more than 8 GPUs on a node or in a pod; a larger value is a broken row. */
const MAX_GPUS = 8;

/** Total GPU demand of a pod in thousandths of a GPU (`num_gpu × gpu_milli`). */
export function podGpuMilli(pod: Pick<OpenbPod, "gpuCount" | "gpuMilli">): number {
  return pod.gpuCount * pod.gpuMilli;
}

export function parseOpenbNodes(text: string, file: string): OpenbNode[] {
  const { header, rows } = readCsvRows(text, file, [NODE_COLUMNS]);
  const f = new FieldReader(file, header);
  const seen = new Map<string, number>();
  return rows.map((row) => {
    // Columns are checked left to right, so the first bad cell in a row is the one reported.
    const name = uniqueName(f, row, "sn", seen);
    const milliCpu = f.integer(row, "cpu_milli", 1, ANY);
    const memoryMiB = f.integer(row, "memory_mib", 0, ANY);
    const gpus = f.integer(row, "gpu", 0, MAX_GPUS);
    const model = f.raw(row, "model");
    if (gpus === 0 && model !== "") f.fail(row, "model", "no model on a node with gpu 0");
    if (gpus > 0 && model.trim() === "") f.fail(row, "model", `a GPU model for a node with ${gpus} GPUs`);
    return { name, milliCpu, memoryMiB, gpus, model };
  });
}

export function parseOpenbPods(text: string, file: string): OpenbPod[] {
  const { header, rows } = readCsvRows(text, file, [POD_COLUMNS_FULL, POD_COLUMNS_SHORT]);
  const f = new FieldReader(file, header);
  const full = header.length === POD_COLUMNS_FULL.length;
  const seen = new Map<string, number>();
  return rows.map((row) => {
    const name = uniqueName(f, row, "name", seen);
    const milliCpu = f.integer(row, "cpu_milli", 0, ANY);
    const memoryMiB = f.integer(row, "memory_mib", 0, ANY);
    const gpuCount = f.integer(row, "num_gpu", 0, MAX_GPUS);
    const gpuMilli = f.integer(row, "gpu_milli", 0, 1000);
    if (gpuCount === 0 && gpuMilli !== 0) f.fail(row, "gpu_milli", "0 for a pod with num_gpu 0");
    if (gpuCount > 0 && gpuMilli === 0) f.fail(row, "gpu_milli", `1..1000 for a pod with num_gpu ${gpuCount}`);
    const pod = { name, milliCpu, memoryMiB, gpuCount, gpuMilli };
    if (!full)
      return {
        ...pod,
        gpuSpec: [],
        qos: null,
        phase: null,
        creationTime: null,
        deletionTime: null,
        scheduledTime: null,
      };
    const gpuSpec = gpuSpecOf(f, row);
    const qos = f.oneOf(row, "qos", OPENB_QOS);
    const phase = f.oneOf(row, "pod_phase", OPENB_PHASES);
    const creationTime = f.integer(row, "creation_time", 0, ANY);
    const deletionTime = f.optionalInteger(row, "deletion_time", creationTime, ANY);
    const scheduledTime = f.optionalInteger(row, "scheduled_time", creationTime, ANY);
    return { ...pod, gpuSpec, qos, phase, creationTime, deletionTime, scheduledTime };
  });
}

export function loadOpenbNodes(path: string): OpenbNode[] {
  return parseOpenbNodes(readTraceText(path), path);
}

export function loadOpenbPods(path: string): OpenbPod[] {
  return parseOpenbPods(readTraceText(path), path);
}

function uniqueName(f: FieldReader, row: CsvRow, column: string, seen: Map<string, number>): string {
  const name = f.text(row, column);
  const first = seen.get(name);
  if (first !== undefined) f.fail(row, column, `a name not used before (line ${first} has it too)`);
  seen.set(name, row.line);
  return name;
}

function gpuSpecOf(f: FieldReader, row: CsvRow): string[] {
  const spec = f.raw(row, "gpu_spec");
  if (spec === "") return [];
  const models = spec.split("|");
  if (models.some((m) => m.trim() === "")) f.fail(row, "gpu_spec", "GPU models separated by |, none empty");
  return models;
}

/** Guards code that needs the timestamps the 5-column lists lack. */
export function requireTimestamps(pods: readonly OpenbPod[], what: string): void {
  const missing = pods.find((p) => p.creationTime === null);
  if (missing) {
    throw new TierfitError(
      "TF_ERR_INPUT",
      `${what} needs creation times, but pod ${missing.name} has none (the 5-column multigpu lists carry no timestamps)`,
    );
  }
}
