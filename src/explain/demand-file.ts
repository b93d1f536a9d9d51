/**
 * A live-demand snapshot written by hand (or saved from Redis) as JSON, for `tierfit explain
 * --demand`. The format, documented in config/examples/README.md:
 *
 *   { "takenAt": <time>,
 *     "nodes":  { "<node>":  { "ts": <time>, "devices": [{ "index", "util", "fbUsedMiB", "fbTotalMiB" }] } },
 *     "models": { "<model>": { "ts": <time>, "rps", "running", "waiting", "kvCacheUsage", "forecast": {…} } } }
 *
 * Times are ms since the epoch or ISO-8601 strings. Staleness is judged as the extender judges
 * it: an entry older than `demand.staleAfterSeconds` at `takenAt` counts as missing.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { formatPath } from "../config/problems.js";
import type { TierfitConfig } from "../config/schema.js";
import { zodProblems } from "../config/zod-problems.js";
import { TierfitError } from "../errors.js";
import type {
  DemandSnapshot,
  ModelDemand,
  ModelNodeDemand,
  NodeTelemetry,
  ServingLoad,
} from "../scoring/demand-snapshot.js";

const time = z
  .union([z.number().int().nonnegative(), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))])
  .describe("a time (ms since the epoch, or an ISO-8601 string such as 2025-06-02T14:00:00Z)");
const fraction = z.number().min(0).max(1);
const count = z.number().min(0);

const deviceSchema = z.strictObject({
  index: z.number().int().min(0),
  uuid: z.string().nullable().default(null),
  /** GPU utilisation 0..1; null when the exporter does not report it. */
  util: fraction.nullable(),
  fbUsedMiB: count.default(0),
  fbTotalMiB: count.default(0),
});

const pendingSchema = z.strictObject({
  placements: z.number().int().min(0),
  fbMiB: count,
  util: count,
  models: z.array(z.string()).default([]),
});

const nodeSchema = z.strictObject({
  ts: time,
  devices: z.array(deviceSchema),
  pending: pendingSchema.nullable().default(null),
});

const loadFields = {
  ts: time,
  running: count.nullable().default(null),
  waiting: count.nullable().default(null),
  kvCacheUsage: fraction.nullable().default(null),
  rps: count.nullable().default(null),
  promptTokensPerSecond: count.nullable().default(null),
  generationTokensPerSecond: count.nullable().default(null),
  queueMs: count.nullable().default(null),
  servers: z.number().int().min(0).default(1),
};

const forecastSchema = z.strictObject({
  rps: count,
  gpuMemoryMiB: count.nullable().default(null),
  gpuCompute: count.nullable().default(null),
  replicas: z.number().int().min(0).nullable().default(null),
  method: z.string().min(1),
  backtestError: count.default(0),
  horizonSeconds: z.number().positive(),
  ts: time,
});

const modelSchema = z.strictObject({
  ...loadFields,
  ttftP95Ms: count.nullable().default(null),
  forecast: forecastSchema.nullable().default(null),
  nodes: z.record(z.string().min(1), z.strictObject(loadFields)).default({}),
});

const demandFileSchema = z.strictObject({
  takenAt: time,
  nodes: z.record(z.string().min(1), nodeSchema).default({}),
  models: z.record(z.string().min(1), modelSchema).default({}),
});

type LoadInput = z.infer<z.ZodObject<typeof loadFields>>;

export function loadDemandFile(path: string, config: TierfitConfig): DemandSnapshot {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TierfitError(
      "TF_ERR_INPUT",
      `cannot read ${path}: ${code === "ENOENT" ? "no such file" : (err as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new TierfitError("TF_ERR_INPUT", `${path} is not valid JSON: ${(err as Error).message}`);
  }
  return demandFromJson(json, path, config);
}

/** The snapshot a parsed demand file describes; `source` names it in errors. */
export function demandFromJson(json: unknown, source: string, config: TierfitConfig): DemandSnapshot {
  const parsed = demandFileSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    const problems = zodProblems(demandFileSchema, parsed.error.issues).map(
      (p) => `${formatPath(p.path)}: ${p.message}`,
    );
    const first = problems.length === 1 ? problems[0] : `${problems.length} problems: ${problems.join("; ")}`;
    throw new TierfitError("TF_ERR_INPUT", `${source} is not a demand snapshot: ${first}`);
  }
  const file = parsed.data;
  const staleAfterMs = config.demand.staleAfterSeconds * 1000;
  const stale = (ts: number) => file.takenAt - ts > staleAfterMs;
  const load = (l: LoadInput): ServingLoad => ({ ...l, stale: stale(l.ts) });

  const nodes = new Map<string, NodeTelemetry>();
  for (const [node, t] of Object.entries(file.nodes)) {
    nodes.set(node, { node, ts: t.ts, devices: t.devices, pending: t.pending, stale: stale(t.ts) });
  }
  const models = new Map<string, ModelDemand>();
  for (const [model, m] of Object.entries(file.models)) {
    const perNode = new Map<string, ModelNodeDemand>();
    for (const [node, l] of Object.entries(m.nodes)) perNode.set(node, { ...load(l), model, node });
    const { ttftP95Ms, forecast, nodes: _perNode, ...own } = m;
    models.set(model, { ...load(own), model, ttftP95Ms, forecast, nodes: perNode });
  }
  return { takenAt: file.takenAt, nodes, models };
}
