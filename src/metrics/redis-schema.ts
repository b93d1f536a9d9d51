/**
 * Every Redis key and field tierfit uses for live demand, in one place (DESIGN §4). Writers (the
 * bridge, the forecast and report jobs) and readers (the snapshot reader, the CLI) go through
 * these builders and codecs, so the layout is defined once. Pure: no I/O here.
 *
 * Conventions: every entry carries `ts` (ms since epoch, the writer's clock); a field that is
 * absent means *unknown*, never zero; every key has a TTL; entries are replaced whole (DEL + HSET
 * in one MULTI), so a field never outlives the sample it came from.
 */

/** The key names under one prefix (config `redis.keyPrefix`, default `tierfit:`). */
export interface RedisKeys {
  readonly prefix: string;
  /** Hash: one node's GPU telemetry. */
  gpu(node: string): string;
  /** Hash: one model's serving load, in all and per node. */
  model(model: string): string;
  /** Stream: one model's load history for forecasting, capped with XADD MAXLEN ~. */
  history(model: string): string;
  /** Sorted set: node name → `ts` of its last telemetry write. */
  readonly nodeIndex: string;
  /** Sorted set: model name → `ts` of its last demand write. */
  readonly modelIndex: string;
  /** Hash: model name → forecast JSON. */
  readonly forecasts: string;
  /** String: the latest capacity report, JSON. */
  readonly reportLatest: string;
  /** List: earlier capacity reports, newest first, capped. */
  readonly reportHistory: string;
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    prefix,
    gpu: (node) => `${prefix}gpu:${node}`,
    model: (model) => `${prefix}model:${model}`,
    history: (model) => `${prefix}history:${model}`,
    nodeIndex: `${prefix}index:nodes`,
    modelIndex: `${prefix}index:models`,
    forecasts: `${prefix}forecasts`,
    reportLatest: `${prefix}report:latest`,
    reportHistory: `${prefix}report:history`,
  };
}

/** Fields of the `gpu:{node}` hash. Per device `i`: `{i}.<field>`; per GPU UUID: `uuid.{UUID}` → index. */
export const GPU_FIELDS = {
  node: "node",
  ts: "ts",
  count: "count",
  /**
   * Compact JSON mirror of the per-device fields, `[[index, uuid, fbUsedMiB, fbTotalMiB, util], …]`,
   * written in the same HSET. Readers fetch this one field instead of ~7 per device: with 5,000
   * nodes × 8 GPUs that is the difference between ~60 ms and ~400 ms per refresh.
   */
  devices: "devices",
  uuid: (i: number) => `${i}.uuid`,
  product: (i: number) => `${i}.product`,
  fbUsedMiB: (i: number) => `${i}.fb_used_mib`,
  fbFreeMiB: (i: number) => `${i}.fb_free_mib`,
  fbReservedMiB: (i: number) => `${i}.fb_reserved_mib`,
  /** free + used (+ reserved): DCGM exports no total by default. */
  fbTotalMiB: (i: number) => `${i}.fb_total_mib`,
  /** 0..1 */
  util: (i: number) => `${i}.util`,
  /** `namespace/pod` of the pods DCGM saw on the device, comma-separated. */
  pods: (i: number) => `${i}.pods`,
  byUuid: (uuid: string) => `uuid.${uuid}`,
} as const;

/** Load fields shared by `model:{m}` hashes, their per-node entries and history points. */
export const LOAD_FIELDS = {
  ts: "ts",
  servers: "servers",
  running: "running",
  waiting: "waiting",
  /** KV-cache usage 0..1, mean over the servers. */
  kvUtil: "kv_util",
  /** Successful requests per second. */
  rps: "rps",
  promptTps: "prompt_tps",
  genTps: "gen_tps",
  /** Mean time a request waited in the server's queue, ms. */
  queueMs: "queue_ms",
} as const;

/** Extra fields of the `model:{m}` hash. */
export const MODEL_FIELDS = {
  model: "model",
  /** JSON object: node → that node's load, with the LOAD_FIELDS names. */
  nodes: "nodes",
} as const;

export interface DeviceSample {
  readonly index: number;
  readonly uuid: string | null;
  readonly product: string | null;
  readonly fbUsedMiB: number;
  readonly fbFreeMiB: number | null;
  readonly fbReservedMiB: number | null;
  readonly fbTotalMiB: number;
  readonly util: number | null;
  readonly pods: readonly string[];
}

export interface NodeSample {
  readonly node: string;
  readonly ts: number;
  readonly devices: readonly DeviceSample[];
}

/** A serving load as stored: a missing number is unknown. */
export interface LoadSample {
  readonly ts: number;
  readonly servers: number;
  readonly running?: number;
  readonly waiting?: number;
  readonly kvUtil?: number;
  readonly rps?: number;
  readonly promptTps?: number;
  readonly genTps?: number;
  readonly queueMs?: number;
}

export interface ModelSample extends LoadSample {
  readonly model: string;
  readonly nodes: ReadonlyMap<string, LoadSample>;
}

/** What a reader needs of one node: the compact device rows and `ts`. */
export interface NodeRow {
  readonly node: string;
  readonly ts: number;
  readonly devices: readonly {
    index: number;
    uuid: string | null;
    fbUsedMiB: number;
    fbTotalMiB: number;
    util: number | null;
  }[];
}

type CompactDevice = [number, string | null, number, number, number | null];

export function encodeNodeSample(s: NodeSample): Record<string, string> {
  const f: Record<string, string> = {
    [GPU_FIELDS.node]: s.node,
    [GPU_FIELDS.ts]: String(s.ts),
    [GPU_FIELDS.count]: String(s.devices.length),
  };
  const compact: CompactDevice[] = [];
  for (const d of s.devices) {
    const i = d.index;
    f[GPU_FIELDS.fbUsedMiB(i)] = String(d.fbUsedMiB);
    f[GPU_FIELDS.fbTotalMiB(i)] = String(d.fbTotalMiB);
    if (d.fbFreeMiB !== null) f[GPU_FIELDS.fbFreeMiB(i)] = String(d.fbFreeMiB);
    if (d.fbReservedMiB !== null) f[GPU_FIELDS.fbReservedMiB(i)] = String(d.fbReservedMiB);
    if (d.util !== null) f[GPU_FIELDS.util(i)] = String(d.util);
    if (d.product !== null) f[GPU_FIELDS.product(i)] = d.product;
    if (d.pods.length > 0) f[GPU_FIELDS.pods(i)] = d.pods.join(",");
    if (d.uuid !== null) {
      f[GPU_FIELDS.uuid(i)] = d.uuid;
      f[GPU_FIELDS.byUuid(d.uuid)] = String(i);
    }
    compact.push([i, d.uuid, d.fbUsedMiB, d.fbTotalMiB, d.util]);
  }
  f[GPU_FIELDS.devices] = JSON.stringify(compact);
  return f;
}

/** The reader's fast path: `HMGET gpu:{node} ts devices`. null when the entry is gone or unreadable. */
export function decodeNodeRow(node: string, ts: string | null, devices: string | null): NodeRow | null {
  const t = ts === null ? Number.NaN : Number(ts);
  if (!Number.isFinite(t) || devices === null) return null;
  let compact: unknown;
  try {
    compact = JSON.parse(devices);
  } catch {
    return null;
  }
  if (!Array.isArray(compact)) return null;
  const rows: NodeRow["devices"][number][] = [];
  for (const c of compact as CompactDevice[]) {
    if (!Array.isArray(c) || typeof c[0] !== "number" || typeof c[2] !== "number" || typeof c[3] !== "number") {
      return null;
    }
    rows.push({
      index: c[0],
      uuid: typeof c[1] === "string" ? c[1] : null,
      fbUsedMiB: c[2],
      fbTotalMiB: c[3],
      util: typeof c[4] === "number" ? c[4] : null,
    });
  }
  return { node, ts: t, devices: rows };
}

const LOAD_KEYS = ["running", "waiting", "kvUtil", "rps", "promptTps", "genTps", "queueMs"] as const;

/** Load fields as hash fields (or JSON keys); unknown numbers are left out. */
export function encodeLoad(l: LoadSample): Record<string, string> {
  const f: Record<string, string> = { [LOAD_FIELDS.ts]: String(l.ts), [LOAD_FIELDS.servers]: String(l.servers) };
  for (const k of LOAD_KEYS) {
    const v = l[k];
    if (v !== undefined && Number.isFinite(v)) f[LOAD_FIELDS[k]] = String(v);
  }
  return f;
}

export function decodeLoad(f: Readonly<Record<string, string>>): LoadSample | null {
  const ts = Number(f[LOAD_FIELDS.ts]);
  if (!Number.isFinite(ts)) return null;
  const servers = Number(f[LOAD_FIELDS.servers] ?? 0);
  const out: { -readonly [K in keyof LoadSample]: LoadSample[K] } = {
    ts,
    servers: Number.isFinite(servers) ? servers : 0,
  };
  for (const k of LOAD_KEYS) {
    const raw = f[LOAD_FIELDS[k]];
    if (raw === undefined || raw === "") continue;
    const v = Number(raw);
    if (Number.isFinite(v)) out[k] = v;
  }
  return out;
}

export function encodeModelSample(m: ModelSample): Record<string, string> {
  const nodes: Record<string, Record<string, string>> = {};
  for (const [node, load] of m.nodes) nodes[node] = encodeLoad(load);
  return { [MODEL_FIELDS.model]: m.model, ...encodeLoad(m), [MODEL_FIELDS.nodes]: JSON.stringify(nodes) };
}

/** `HGETALL model:{m}`; null when the entry is gone or has no `ts`. */
export function decodeModelHash(model: string, f: Readonly<Record<string, string>>): ModelSample | null {
  const load = decodeLoad(f);
  if (load === null) return null;
  const nodes = new Map<string, LoadSample>();
  const raw = f[MODEL_FIELDS.nodes];
  if (raw) {
    try {
      const parsed = JSON.parse(raw) as Record<string, Record<string, string>>;
      for (const [node, fields] of Object.entries(parsed)) {
        const l = typeof fields === "object" && fields !== null ? decodeLoad(fields) : null;
        if (l !== null) nodes.set(node, l);
      }
    } catch {
      // A corrupt per-node breakdown leaves the model-level load usable.
    }
  }
  return { ...load, model, nodes };
}

/** One history point: the model-level load at `ts`. Stream entries are flat field/value lists. */
export function encodeHistoryPoint(l: LoadSample): string[] {
  return Object.entries(encodeLoad(l)).flat();
}

export function decodeHistoryEntry(fields: readonly string[]): LoadSample | null {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
  return decodeLoad(f);
}

export interface StoredForecast {
  readonly rps: number;
  readonly gpuMemoryMiB: number | null;
  readonly gpuCompute: number | null;
  readonly replicas: number | null;
  readonly method: string;
  readonly backtestError: number;
  readonly horizonSeconds: number;
  readonly ts: number;
}

export function encodeForecast(f: StoredForecast): string {
  return JSON.stringify({
    rps: f.rps,
    gpu_memory_mib: f.gpuMemoryMiB,
    gpu_compute: f.gpuCompute,
    replicas: f.replicas,
    method: f.method,
    backtest_error: f.backtestError,
    horizon_s: f.horizonSeconds,
    ts: f.ts,
  });
}

export function decodeForecast(json: string): StoredForecast | null {
  try {
    const o = JSON.parse(json) as Record<string, unknown>;
    const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
    const rps = num(o.rps);
    const ts = num(o.ts);
    if (rps === null || ts === null || typeof o.method !== "string") return null;
    return {
      rps,
      gpuMemoryMiB: num(o.gpu_memory_mib),
      gpuCompute: num(o.gpu_compute),
      replicas: num(o.replicas),
      method: o.method,
      backtestError: num(o.backtest_error) ?? Number.NaN,
      horizonSeconds: num(o.horizon_s) ?? 0,
      ts,
    };
  } catch {
    return null;
  }
}
