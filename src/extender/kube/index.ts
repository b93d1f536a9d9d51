/**
 * The extender's Kubernetes side: informers on nodes and scheduled pods feeding the allocation
 * ledger, the binder (device annotation, then Binding) and a pod reader, all on one KubeConfig
 * (in-cluster service account, or KUBECONFIG / ~/.kube/config outside a cluster).
 */
import { CoreV1Api, KubeConfig, type V1Node, type V1Pod } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { AllocationLedger } from "../../cluster/ledger.js";
import type { TierfitConfig } from "../../config/schema.js";
import type { Binder, ClusterCache, PodSource } from "../ports.js";
import { type BackoffPolicy, DEFAULT_BACKOFF } from "./backoff.js";
import { apiBinder } from "./binder.js";
import { KubeClusterCache } from "./cluster-cache.js";
import { LedgerFeed } from "./ledger-feed.js";
import { apiPodSource } from "./pod-source.js";
import { Reservations } from "./reservations.js";
import { ResilientInformer } from "./resilient-informer.js";

export { backoffDelayMs, DEFAULT_BACKOFF } from "./backoff.js";
export { type ReconcileActions, type ReconcileInput, reconcile } from "./reconcile.js";

/** How long a pod tierfit bound may stay invisible to the pod informer before a relist releases it. */
export const DEFAULT_RESERVATION_TTL_MS = 120_000;

/** How often to look for a reloaded config. */
const CONFIG_CHECK_MS = 2_000;

/**
 * Scheduled pods that still hold resources. The API server applies the selector to watches too:
 * a pod that finishes leaves the watch as DELETED, one that gets bound enters it as ADDED.
 */
export const SCHEDULED_PODS_SELECTOR = "spec.nodeName!=,status.phase!=Succeeded,status.phase!=Failed";

export interface KubeClusterOptions {
  /** Defaults to the in-cluster config or KUBECONFIG. */
  readonly kubeConfig?: KubeConfig;
  readonly reservationTtlMs?: number;
  readonly backoff?: BackoffPolicy;
  /** ms since epoch; tests pass their own. */
  readonly clock?: () => number;
  readonly random?: () => number;
  /** How often to check whether the config was reloaded (default 2 s). */
  readonly configCheckMs?: number;
}

export interface KubeCluster {
  readonly cache: ClusterCache;
  readonly binder: Binder;
  readonly podSource: PodSource;
  stop(): Promise<void>;
}

export async function startKubeCluster(
  config: () => TierfitConfig,
  logger: Logger,
  opts: KubeClusterOptions = {},
): Promise<KubeCluster> {
  const kubeConfig = opts.kubeConfig ?? defaultKubeConfig();
  const api = kubeConfig.makeApiClient(CoreV1Api);
  const clock = opts.clock ?? Date.now;
  const random = opts.random ?? Math.random;
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  const ledger = new AllocationLedger();
  const reservations = new Reservations();
  const feed = new LedgerFeed({
    ledger,
    config,
    reservations,
    logger,
    clock,
    reservationTtlMs: opts.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS,
  });

  const common = { kubeConfig, backoff, logger, clock, random };
  const nodes = new ResilientInformer<V1Node>({
    ...common,
    name: "node",
    path: "/api/v1/nodes",
    list: () => api.listNode(),
    handlers: {
      onList: (items) => feed.listNodes(items),
      onUpsert: (node) => feed.upsertNode(node),
      onDelete: (node) => feed.deleteNode(node),
    },
  });
  const pods = new ResilientInformer<V1Pod>({
    ...common,
    name: "pod",
    path: "/api/v1/pods",
    fieldSelector: SCHEDULED_PODS_SELECTOR,
    list: () => api.listPodForAllNamespaces({ fieldSelector: SCHEDULED_PODS_SELECTOR }),
    handlers: {
      onList: (items) => feed.listPods(items),
      onUpsert: (pod) => feed.upsertPod(pod),
      onDelete: (pod) => feed.deletePod(pod),
    },
  });

  // Nodes first, so that the pods' first list finds their nodes (pods on unknown nodes wait for them).
  await nodes.start();
  await pods.start();
  const stopConfigWatch = reapplyOnConfigChange(config, feed, nodes, pods, opts.configCheckMs ?? CONFIG_CHECK_MS);
  logger.info({ server: kubeConfig.getCurrentCluster()?.server }, "watching nodes and scheduled pods");

  return {
    cache: new KubeClusterCache(ledger, [nodes, pods], (uid) => feed.podKeyByUid(uid), clock),
    binder: apiBinder(api, reservations, clock),
    podSource: apiPodSource(api),
    async stop() {
      stopConfigWatch();
      await Promise.all([nodes.stop(), pods.stop()]);
    },
  };
}

/**
 * Node tiers and pod tiers/tenants are derived with the config: when a reload changes it, every
 * known node and pod is translated again (nodes rarely send events, so waiting would take minutes).
 */
function reapplyOnConfigChange(
  config: () => TierfitConfig,
  feed: LedgerFeed,
  nodes: ResilientInformer<V1Node>,
  pods: ResilientInformer<V1Pod>,
  everyMs: number,
): () => void {
  let applied = config();
  const timer = setInterval(() => {
    const current = config();
    const nodeList = nodes.current();
    const podList = pods.current();
    if (current === applied || nodeList === null || podList === null) return;
    applied = current;
    feed.listNodes(nodeList);
    feed.listPods(podList);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

function defaultKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}
