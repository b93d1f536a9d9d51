/**
 * The extender's Kubernetes side: informers on nodes and live pods feeding the allocation ledger,
 * the binder (one Binding carrying the device annotation) and a pod reader, all on one KubeConfig
 * (in-cluster service account, or KUBECONFIG / ~/.kube/config outside a cluster) whose
 * connections are kept alive and whose calls are bounded in time. Starting never waits for the
 * API server: the informers list and watch in the background and the cache says what it lacks.
 */
import { KubeConfig, type KubernetesObject, type V1Node, type V1Pod } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { AllocationLedger } from "../../cluster/ledger.js";
import type { TierfitConfig } from "../../config/schema.js";
import type { Binder, ClaimSource, ClusterCache, PodSource } from "../ports.js";
import { kubeClient } from "./api-client.js";
import { type BackoffPolicy, DEFAULT_BACKOFF } from "./backoff.js";
import { ApiBinder } from "./binder.js";
import type { WatchBounds } from "./bounded-watch.js";
import { KubeClusterCache } from "./cluster-cache.js";
import { DraFeed } from "./dra-feed.js";
import { LedgerFeed } from "./ledger-feed.js";
import { apiPodSource } from "./pod-source.js";
import { Requeuer } from "./requeue.js";
import { Reservations } from "./reservations.js";
import { ResilientInformer } from "./resilient-informer.js";

export { backoffDelayMs, DEFAULT_BACKOFF } from "./backoff.js";
export { type ReconcileActions, type ReconcileInput, reconcile } from "./reconcile.js";

/** How often to look for a reloaded config. */
const CONFIG_CHECK_MS = 2_000;

/** How often reservations whose time has come are settled with the API server. */
const SETTLE_CHECK_MS = 1_000;

/** Least time between two requeue touches of one pod. */
const REQUEUE_INTERVAL_MS = 60_000;

/**
 * Pods that hold or are about to hold resources: the scheduled ones feed the ledger, the pending
 * ones are what bind reads (no API round trip per bind). The API server applies the selector to
 * watches too: a pod that finishes leaves the watch as DELETED.
 */
export const LIVE_PODS_SELECTOR = "status.phase!=Succeeded,status.phase!=Failed";

export interface KubeClusterOptions {
  /** Defaults to the in-cluster config or KUBECONFIG. */
  readonly kubeConfig?: KubeConfig;
  readonly backoff?: BackoffPolicy;
  readonly watchBounds?: Omit<WatchBounds, "random">;
  /** ms since epoch; tests pass their own. */
  readonly clock?: () => number;
  readonly random?: () => number;
  /** How often to check whether the config was reloaded (default 2 s). */
  readonly configCheckMs?: number;
  /** How often to settle reservations whose time has come (default 1 s). */
  readonly settleCheckMs?: number;
}

export interface KubeCluster {
  readonly cache: ClusterCache;
  readonly binder: Binder;
  readonly podSource: PodSource;
  readonly claims: ClaimSource;
  stop(): Promise<void>;
}

export async function startKubeCluster(
  config: () => TierfitConfig,
  logger: Logger,
  opts: KubeClusterOptions = {},
): Promise<KubeCluster> {
  const { apiTimeoutMs, bindGraceSeconds } = config().kube;
  const client = kubeClient(opts.kubeConfig ?? defaultKubeConfig(), {
    requestMs: apiTimeoutMs,
    watchConnectMs: apiTimeoutMs,
  });
  const { kubeConfig, core: api, resource } = client;
  const clock = opts.clock ?? Date.now;
  const random = opts.random ?? Math.random;
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  const graceMs = bindGraceSeconds * 1000;
  const ledger = new AllocationLedger();
  const reservations = new Reservations();
  const draGpus = (node: string) => dra.gpusOf(node);
  const feed = new LedgerFeed({ ledger, config, reservations, logger, clock, reservationTtlMs: graceMs, draGpus });
  const dra = new DraFeed({ ledger, config, logger, refreshNodes: (names) => feed.refreshNodes(names) });

  const common = { kubeConfig, backoff, logger, clock, random, watchBounds: opts.watchBounds };
  const requeuer = new Requeuer({
    api,
    config,
    logger,
    clock,
    ready: () => nodes.hasSynced() && pods.hasSynced(),
    current: (namespace, name) => pods.get(namespace, name),
    intervalMs: REQUEUE_INTERVAL_MS,
  });
  const nodes = new ResilientInformer<V1Node>({
    ...common,
    name: "node",
    path: "/api/v1/nodes",
    list: () => api.listNode(),
    handlers: {
      onList: (items) => {
        feed.listNodes(items);
        dra.nodesChanged();
      },
      onUpsert: (node) => {
        const known = ledger.node(node.metadata?.name ?? "") !== undefined;
        feed.upsertNode(node);
        // Claims on a node not known yet were left out: count them now it is.
        if (!known) dra.nodesChanged();
      },
      onDelete: (node) => feed.deleteNode(node),
    },
  });
  // Dynamic Resource Allocation (resource.k8s.io/v1, GA in Kubernetes 1.34). Not part of
  // readiness: on a cluster without the API these informers retry in the background, and nodes
  // keep their devices from GPU Feature Discovery's labels.
  const slices = new ResilientInformer<KubernetesObject>({
    ...common,
    name: "resourceslice",
    path: "/apis/resource.k8s.io/v1/resourceslices",
    list: () => resource.listResourceSlice(),
    handlers: {
      onList: (items) => dra.listSlices(items),
      onUpsert: (slice) => dra.upsertSlice(slice),
      onDelete: (slice) => dra.deleteSlice(slice),
    },
  });
  const claims = new ResilientInformer<KubernetesObject>({
    ...common,
    name: "resourceclaim",
    path: "/apis/resource.k8s.io/v1/resourceclaims",
    list: () => resource.listResourceClaimForAllNamespaces(),
    handlers: {
      onList: (items) => dra.listClaims(items),
      onUpsert: (claim) => dra.upsertClaim(claim),
      onDelete: (claim) => dra.deleteClaim(claim),
    },
  });
  const pods = new ResilientInformer<V1Pod>({
    ...common,
    name: "pod",
    path: "/api/v1/pods",
    fieldSelector: LIVE_PODS_SELECTOR,
    list: () => api.listPodForAllNamespaces({ fieldSelector: LIVE_PODS_SELECTOR }),
    handlers: {
      onList: (items) => {
        feed.listPods(items);
        for (const pod of items) requeuer.consider(pod);
      },
      onUpsert: (pod) => {
        feed.upsertPod(pod);
        requeuer.consider(pod);
      },
      onDelete: (pod) => feed.deletePod(pod),
    },
  });

  // In the background, so serving never waits for the API server. Nodes first, so that the pods'
  // first list finds their nodes (pods on unknown nodes wait for them).
  const started = (async () => {
    await nodes.start();
    await slices.start();
    await claims.start();
    await pods.start();
  })();
  const stopConfigWatch = reapplyOnConfigChange(config, feed, nodes, pods, opts.configCheckMs ?? CONFIG_CHECK_MS);
  const binder = new ApiBinder({ api, reservations, ledger, logger, clock, graceMs, retryMs: apiTimeoutMs });
  const settleEveryMs = opts.settleCheckMs ?? SETTLE_CHECK_MS;
  const stopSettling = every(settleEveryMs, () => binder.settleDue());
  const stopRequeueing = every(settleEveryMs, () => requeuer.drain());
  logger.info({ server: kubeConfig.getCurrentCluster()?.server }, "listing and watching nodes and pods");

  return {
    cache: new KubeClusterCache(ledger, [nodes, pods], (uid) => feed.podKeyByUid(uid), clock),
    binder,
    podSource: apiPodSource(api, (namespace, name) => pods.get(namespace, name)),
    claims: dra,
    async stop() {
      stopConfigWatch();
      stopSettling();
      stopRequeueing();
      await Promise.all([nodes.stop(), slices.stop(), claims.stop(), pods.stop()]);
      await started;
      client.close();
    },
  };
}

/** Runs `task` every `ms`, never two at once. */
function every(ms: number, task: () => Promise<void>): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void task().finally(() => {
      running = false;
    });
  }, ms);
  timer.unref();
  return () => clearInterval(timer);
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
