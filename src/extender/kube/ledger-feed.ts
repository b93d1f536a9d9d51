/**
 * Turns what the node and pod informers report into ledger operations. The ledger then always
 * holds one allocation per scheduled, non-terminal pod on a known node, plus tierfit's own
 * reservations (see reservations.ts), whatever order events arrive in and however often the
 * informers relist.
 */
import type { V1Node, V1Pod } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { GPU_DEVICES_ANNOTATION, parseDeviceAnnotation } from "../../cluster/device-annotation.js";
import { isClaimKey } from "../../cluster/dra-claims.js";
import type { DraGpu } from "../../cluster/dra-slices.js";
import type { AllocationLedger } from "../../cluster/ledger.js";
import { nodeViewFromV1 } from "../../cluster/node-view.js";
import { podRequestFromV1 } from "../../cluster/pod-request.js";
import type { DeviceAssignment, NodeState, PodRequest } from "../../cluster/types.js";
import type { TierfitConfig } from "../../config/schema.js";
import { EMPTY_DEMAND } from "../../scoring/demand-snapshot.js";
import { chooseDevices } from "../../scoring/device-choice.js";
import { tierfitPolicy } from "../../scoring/policy.js";
import type { ScoringContext } from "../../scoring/types.js";
import { reconcile, vanishedNodes } from "./reconcile.js";
import type { Reservations } from "./reservations.js";

export interface LedgerFeedOptions {
  readonly ledger: AllocationLedger;
  readonly config: () => TierfitConfig;
  readonly reservations: Reservations;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly reservationTtlMs: number;
  /** A node's GPUs from DRA ResourceSlices, when it has some (dra-feed.ts). */
  readonly draGpus?: (node: string) => readonly DraGpu[] | undefined;
}

export function podKeyOf(pod: V1Pod): string {
  return `${pod.metadata?.namespace ?? "default"}/${pod.metadata?.name ?? ""}`;
}

/** Succeeded and Failed pods hold nothing. */
export function isTerminal(pod: V1Pod): boolean {
  return pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
}

function hasDeviceAnnotation(pod: V1Pod): boolean {
  return pod.metadata?.annotations?.[GPU_DEVICES_ANNOTATION] !== undefined;
}

/**
 * Why a pod's device annotation cannot be what tierfit wrote for it, or null. The annotation is
 * the pod's own metadata (anyone who may edit the pod may write it): it is never trusted over the
 * GPUs the pod requests or over the node's devices and their memory.
 */
export function annotationDoubt(
  listed: readonly DeviceAssignment[],
  request: PodRequest,
  state: NodeState | undefined,
): string | null {
  if (listed.length !== request.gpuCount) {
    return `lists ${listed.length} device${listed.length === 1 ? "" : "s"}, but the pod requests ${request.gpuCount} GPU${request.gpuCount === 1 ? "" : "s"}`;
  }
  if (state === undefined) return null;
  for (const d of listed) {
    const device = state.devices[d.index];
    if (device === undefined)
      return `names device ${d.index}, which node ${state.view.name} does not have (it has ${state.devices.length})`;
    if (d.units > device.capacityUnits) return `holds more memory on device ${d.index} than it has`;
  }
  return null;
}

export class LedgerFeed {
  /** GPU pods without a device annotation on a node not known yet: their devices are guessed when it arrives. */
  private readonly waitingForNode = new Map<string, V1Pod>();
  private readonly keyByUid = new Map<string, string>();
  private readonly uidByKey = new Map<string, string>();
  /** Pods already warned about (device guess, bad annotation): each is logged once. */
  private readonly warned = new Set<string>();
  /** The last object of each node, to read it again when its ResourceSlices change. */
  private readonly lastNodes = new Map<string, V1Node>();

  constructor(private readonly opts: LedgerFeedOptions) {}

  /** Reads these nodes again from their last objects (their DRA devices changed). */
  refreshNodes(names: readonly string[]): void {
    for (const name of names) {
      const node = this.lastNodes.get(name);
      if (node) this.upsertNode(node);
    }
  }

  // ---- nodes ---------------------------------------------------------------------------------

  listNodes(nodes: readonly V1Node[]): void {
    const listed = new Set(nodes.map((n) => n.metadata?.name ?? ""));
    const held = [...this.opts.ledger.nodes()].map((n) => n.view.name);
    for (const name of vanishedNodes(held, listed)) {
      this.lastNodes.delete(name);
      this.opts.ledger.removeNode(name);
    }
    for (const node of nodes) this.upsertNode(node);
  }

  upsertNode(node: V1Node): void {
    const name = node.metadata?.name ?? "(unnamed)";
    let view: ReturnType<typeof nodeViewFromV1>;
    this.lastNodes.set(name, node);
    try {
      view = nodeViewFromV1(node, this.opts.config(), this.opts.draGpus?.(name));
    } catch (err) {
      const reason = (err as Error).message;
      // Logged when the reason changes, not on every status update of the node.
      if (this.opts.ledger.refusal(name) !== reason) {
        this.opts.logger.warn({ node: name, err: reason }, `node ${name} skipped: ${reason}`);
      }
      this.opts.ledger.refuseNode(name, reason);
      return;
    }
    this.opts.ledger.upsertNode(view);
    const waiting = [...this.waitingForNode.values()].filter((pod) => pod.spec?.nodeName === view.name);
    for (const pod of waiting) this.upsertPod(pod);
  }

  deleteNode(node: V1Node): void {
    if (node.metadata?.name) this.lastNodes.delete(node.metadata.name);
    if (node.metadata?.name) this.opts.ledger.removeNode(node.metadata.name);
  }

  // ---- pods ----------------------------------------------------------------------------------

  /** A full pod list: release what vanished, restore the rest (annotated pods before guesses). */
  listPods(pods: readonly V1Pod[]): void {
    const live = pods.filter((p) => p.spec?.nodeName && !isTerminal(p));
    const actions = reconcile({
      // Claims' allocations are the DRA feed's, not pods.
      held: [...this.opts.ledger.allocations()].map((a) => a.podKey).filter((key) => !isClaimKey(key)),
      listed: new Set(live.map(podKeyOf)),
      reservations: this.opts.reservations.times(),
      now: this.opts.clock(),
      reservationTtlMs: this.opts.reservationTtlMs,
    });
    for (const key of actions.expire) {
      this.opts.logger.warn({ pod: key }, `reservation for pod ${key} expired: the pod never showed up bound`);
      this.opts.reservations.drop(key);
    }
    for (const key of actions.release) this.release(key);
    const listedKeys = new Set(live.map(podKeyOf));
    for (const [key] of this.waitingForNode) if (!listedKeys.has(key)) this.waitingForNode.delete(key);
    const ordered = [...live.filter(hasDeviceAnnotation), ...live.filter((p) => !hasDeviceAnnotation(p))];
    for (const pod of ordered) this.upsertPod(pod);
  }

  /** Applies one pod; a pod tierfit cannot read is logged (once) and left out, never fatal. */
  upsertPod(pod: V1Pod): void {
    try {
      this.applyPod(pod);
    } catch (err) {
      this.warnOnce(podKeyOf(pod), `pod ${podKeyOf(pod)} not counted: ${(err as Error).message}`);
    }
  }

  private applyPod(pod: V1Pod): void {
    const key = podKeyOf(pod);
    const uid = pod.metadata?.uid ?? "";
    const reservation = this.opts.reservations.get(key);
    // A reservation for a newer pod of the same name: this event is about the old one.
    if (reservation && reservation.uid !== uid) return;
    const node = pod.spec?.nodeName;
    if (!node) return;
    if (isTerminal(pod)) {
      this.opts.reservations.drop(key);
      this.release(key);
      return;
    }
    this.remember(key, uid);
    const request = podRequestFromV1(pod, this.opts.config());
    const devices = request.gpuCount === 0 ? [] : this.devicesOf(pod, request, node);
    if (devices === null) this.waitingForNode.set(key, pod);
    else this.waitingForNode.delete(key);
    this.opts.ledger.restore({
      podKey: key,
      node,
      tenant: request.tenant,
      sharingTier: request.sharingTier,
      model: request.model,
      milliCpu: request.resources.milliCpu,
      memoryBytes: request.resources.memoryBytes,
      devices: devices ?? [],
    });
    if (reservation) this.opts.reservations.drop(key); // confirmed: the restore now holds it
  }

  deletePod(pod: V1Pod): void {
    const key = podKeyOf(pod);
    const reservation = this.opts.reservations.get(key);
    if (reservation && reservation.uid !== (pod.metadata?.uid ?? "")) return;
    this.opts.reservations.drop(key);
    this.release(key);
  }

  podKeyByUid(uid: string): string | undefined {
    return this.keyByUid.get(uid);
  }

  /**
   * The pod's devices: from its annotation, else the guess already made, else a new best guess;
   * null when a guess needs the node and the node is not known yet.
   */
  private devicesOf(pod: V1Pod, request: PodRequest, node: string): readonly DeviceAssignment[] | null {
    const key = request.key;
    const state = this.opts.ledger.node(node);
    const annotation = pod.metadata?.annotations?.[GPU_DEVICES_ANNOTATION];
    if (annotation !== undefined) {
      try {
        const listed = parseDeviceAnnotation(annotation, `pod ${key} annotation ${GPU_DEVICES_ANNOTATION}`);
        const doubt = annotationDoubt(listed, request, state);
        if (doubt === null) return listed;
        this.warnOnce(
          key,
          `pod ${key}: ${GPU_DEVICES_ANNOTATION} ${doubt}; not trusted, its devices are guessed instead`,
        );
      } catch (err) {
        this.warnOnce(key, `${(err as Error).message}; guessing its devices instead`);
      }
    }
    const held = this.opts.ledger.allocation(key);
    if (held && held.node === node && held.devices.length > 0) return held.devices;
    if (!state) {
      this.warnOnce(
        key,
        `pod ${key} is bound to node ${node}, which tierfit does not know yet; its devices are guessed when the node appears`,
      );
      return null;
    }
    const config = this.opts.config();
    const ctx: ScoringContext = {
      config,
      demand: EMPTY_DEMAND,
      now: this.opts.clock(),
      workloadMix: [],
      policy: tierfitPolicy(config),
    };
    const choice = chooseDevices(request, state, ctx);
    if (!Array.isArray(choice)) {
      this.warnOnce(
        key,
        `pod ${key} runs on ${node} without a ${GPU_DEVICES_ANNOTATION} annotation and no device fits it (${choice.reason}); its GPU memory is not counted`,
      );
      return [];
    }
    const chosen = choice as readonly DeviceAssignment[];
    this.warnOnce(
      key,
      `pod ${key} runs on ${node} without a ${GPU_DEVICES_ANNOTATION} annotation (placed by another scheduler?); counting it on devices ${chosen.map((d) => d.index).join(", ")} as a best guess`,
    );
    return chosen;
  }

  private release(key: string): void {
    this.opts.ledger.release(key);
    this.waitingForNode.delete(key);
    this.warned.delete(key);
    const uid = this.uidByKey.get(key);
    if (uid !== undefined) this.keyByUid.delete(uid);
    this.uidByKey.delete(key);
  }

  private remember(key: string, uid: string): void {
    const old = this.uidByKey.get(key);
    if (old !== undefined && old !== uid) this.keyByUid.delete(old);
    this.uidByKey.set(key, uid);
    if (uid) this.keyByUid.set(uid, key);
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.opts.logger.warn({ pod: key }, message);
  }
}
