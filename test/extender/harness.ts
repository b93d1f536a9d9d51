/**
 * An extender app wired to an in-memory ledger, a recording Binder and a map-backed PodSource,
 * with its log lines captured, for in-process tests with inject().
 */
import type { KubernetesObject, V1Node, V1Pod } from "@kubernetes/client-node";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { AllocationLedger } from "../../src/cluster/ledger.js";
import { nodeViewFromV1 } from "../../src/cluster/node-view.js";
import type { Allocation } from "../../src/cluster/types.js";
import { defaultConfig } from "../../src/config/load.js";
import type { TierfitConfig } from "../../src/config/schema.js";
import { buildAdminApp } from "../../src/extender/admin-app.js";
import { buildExtenderApp } from "../../src/extender/app.js";
import type { Binder, BindTarget, PodSource } from "../../src/extender/ports.js";
import { createRuntime, type ExtenderDeps } from "../../src/extender/runtime.js";
import { EMPTY_DEMAND } from "../../src/scoring/demand-snapshot.js";

export const NOW = Date.parse("2026-11-24T12:00:00Z");

export interface HarnessOptions {
  /** Nodes in tierfit's cache. */
  readonly nodes?: readonly V1Node[];
  readonly standalone?: boolean;
  readonly binder?: Binder;
  /** Pods the PodSource can return, by `namespace/name`. */
  readonly apiPods?: readonly V1Pod[];
  readonly synced?: boolean;
  readonly missing?: readonly string[];
  readonly bodyLimit?: number;
  readonly config?: TierfitConfig;
  readonly demandStatus?: ExtenderDeps["demandStatus"];
  readonly onPlaced?: ExtenderDeps["onPlaced"];
  /** Live demand and the clock; EMPTY_DEMAND and NOW by default. */
  readonly demand?: ExtenderDeps["demand"];
  readonly now?: ExtenderDeps["now"];
  /** Serve HTTPS (mutual with a client CA) once listening. */
  readonly tls?: ExtenderDeps["tls"];
  /** ResourceClaims the claim cache holds. */
  readonly claims?: readonly KubernetesObject[];
  /** Told of every pod read, with whether it bypassed the informer. */
  readonly onGetPod?: (fresh: boolean) => void;
}

export interface Harness {
  readonly app: FastifyInstance;
  /** The admin listener's app (/metrics, /explain), sharing the extender's runtime. */
  readonly admin: FastifyInstance;
  readonly ledger: AllocationLedger;
  readonly config: TierfitConfig;
  readonly binds: { target: BindTarget; allocation: Allocation }[];
  readonly podLookups: string[];
  readonly logs: Record<string, unknown>[];
  post(verb: string, body: unknown): Promise<{ status: number; json: unknown }>;
}

export function makeHarness(opts: HarnessOptions = {}): Harness {
  const config = opts.config ?? defaultConfig();
  const ledger = new AllocationLedger();
  for (const node of opts.nodes ?? []) ledger.upsertNode(nodeViewFromV1(node, config));
  const binds: Harness["binds"] = [];
  const podLookups: string[] = [];
  const binder: Binder = opts.binder ?? {
    async bind(target, allocation) {
      binds.push({ target, allocation });
      return { kind: "bound" };
    },
  };
  const apiPods = new Map((opts.apiPods ?? []).map((p) => [`${p.metadata?.namespace}/${p.metadata?.name}`, p]));
  const podSource: PodSource = {
    async getPod(namespace, name, fresh = false) {
      podLookups.push(`${namespace}/${name}`);
      opts.onGetPod?.(fresh);
      return apiPods.get(`${namespace}/${name}`) ?? null;
    },
  };
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const deps: ExtenderDeps = {
    config: () => config,
    demand: opts.demand ?? (() => EMPTY_DEMAND),
    now: opts.now ?? (() => NOW),
    kube: opts.standalone
      ? null
      : {
          cache: {
            ledger,
            synced: () => opts.synced ?? true,
            missing: () => [...(opts.missing ?? [])],
            ageMs: () => 1500,
            podKeyByUid: (uid) => (uid.startsWith("uid-") ? `default/${uid.slice(4)}` : undefined),
          },
          binder,
          podSource,
          claims: {
            claimsOf(namespace, names) {
              const of = (n: string) =>
                (opts.claims ?? []).find((c) => c.metadata?.namespace === namespace && c.metadata?.name === n);
              return { found: names.flatMap((n) => of(n) ?? []), missing: names.filter((n) => of(n) === undefined) };
            },
          },
        },
    logger,
    demandStatus: opts.demandStatus,
    onPlaced: opts.onPlaced,
    ...(opts.bodyLimit ? { bodyLimit: opts.bodyLimit } : {}),
    ...(opts.tls ? { tls: opts.tls } : {}),
  };
  const rt = createRuntime(deps);
  const app = buildExtenderApp(deps, rt);
  return {
    app,
    admin: buildAdminApp(rt),
    ledger,
    config,
    binds,
    podLookups,
    logs,
    async post(verb, body) {
      const res = await app.inject({
        method: "POST",
        url: `/${verb}`,
        headers: { "content-type": "application/json" },
        payload: typeof body === "string" ? body : JSON.stringify(body),
      });
      return { status: res.statusCode, json: res.json() };
    },
  };
}

/** A whole-device or partial hold of another pod, straight into the ledger. */
export function occupy(
  h: Harness,
  podKey: string,
  node: string,
  devices: { index: number; gib: number }[],
  tenant = "team-b",
  sharingTier = 2,
): void {
  const rejection = h.ledger.assign({
    podKey,
    node,
    tenant,
    sharingTier,
    milliCpu: 1000,
    memoryBytes: 2 ** 30,
    devices: devices.map((d) => ({ index: d.index, units: d.gib * 1024 * 1000 })),
  });
  if (rejection) throw new Error(rejection.reason);
}
