/**
 * Binding in one write: the Binding carries the device assignment as an annotation, which the API
 * server merges into the pod in the same atomic update that sets spec.nodeName, and the pod's UID
 * and resourceVersion as preconditions, so it applies only to the very object whose rules bind
 * checked (kube-apiserver's BindingREST; DESIGN §6). The pod is a reservation from the moment bind
 * starts until the pod informer sees it scheduled.
 *
 * A failure that does not say whether the write was applied (a timeout, a reset connection, a
 * 5xx) releases nothing: the Binding is sent once more, which is safe because the preconditions
 * let at most one of the two apply, and if that does not settle it, the pod is read back. Devices
 * are released only once the API server has shown that the pod is not bound there.
 */
import type { CoreV1Api, V1Binding, V1Pod } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { formatDeviceAnnotation, GPU_DEVICES_ANNOTATION } from "../../cluster/device-annotation.js";
import type { AllocationLedger } from "../../cluster/ledger.js";
import type { Allocation } from "../../cluster/types.js";
import type { ApiFailure, Binder, BindResult, BindTarget } from "../ports.js";
import { apiErrorMessage, apiFailure, apiStatusCode } from "./api-error.js";
import type { Reservation, Reservations } from "./reservations.js";

export function bindingFor(target: BindTarget, allocation: Allocation): V1Binding {
  const annotations =
    allocation.devices.length === 0
      ? undefined
      : { [GPU_DEVICES_ANNOTATION]: formatDeviceAnnotation(allocation.devices) };
  return {
    apiVersion: "v1",
    kind: "Binding",
    metadata: {
      name: target.podName,
      namespace: target.podNamespace,
      uid: target.podUid,
      ...(target.resourceVersion ? { resourceVersion: target.resourceVersion } : {}),
      ...(annotations ? { annotations } : {}),
    },
    target: { apiVersion: "v1", kind: "Node", name: target.node },
  };
}

/** What a failed API call says about whether it was applied. */
export type FailureKind = "not-applied" | "conflict" | "unknown";

/** Network errors raised before a request could reach the API server. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ERR_TLS_CERT_ALTNAME_INVALID"]);

export function failureKind(err: unknown): FailureKind {
  const status = apiStatusCode(err);
  if (status === 409) return "conflict";
  if (status !== null) return status >= 500 ? "unknown" : "not-applied";
  const code = (err as { code?: unknown; errno?: unknown } | null)?.code;
  return typeof code === "string" && NOT_SENT.has(code) ? "not-applied" : "unknown";
}

export interface ApiBinderOptions {
  readonly api: CoreV1Api;
  readonly reservations: Reservations;
  readonly ledger: AllocationLedger;
  readonly logger: Logger;
  readonly clock: () => number;
  /**
   * How long a reservation may wait for the pod informer (or, in doubt, for the API server) before
   * the API server is asked; an unknown outcome is settled by then at the latest.
   */
  readonly graceMs: number;
  /** How often a Binding whose outcome is unknown is sent again until the grace ends. */
  readonly retryMs: number;
}

const BOUND: BindResult = { kind: "bound" };

export class ApiBinder implements Binder {
  constructor(private readonly opts: ApiBinderOptions) {}

  async bind(target: BindTarget, allocation: Allocation): Promise<BindResult> {
    const key = `${target.podNamespace}/${target.podName}`;
    const binding = bindingFor(target, allocation);
    const { reservations, clock } = this.opts;
    reservations.reserve(key, target.podUid, clock(), binding);
    const reservation = reservations.get(key)!;
    const result = await this.send(key, binding, target.node, true);
    this.apply(key, reservation, result);
    return result;
  }

  /**
   * Settles reservations whose time has come: a Binding in doubt is sent again until the grace
   * ends; after that (and for a bound pod the informer never confirmed) the API server decides.
   */
  async settleDue(): Promise<void> {
    const now = this.opts.clock();
    for (const [key, r] of this.opts.reservations.due(now)) {
      if (r.binding === null) continue;
      r.checkAt = null; // in hand: not picked again while this settles
      const node = r.binding.target.name ?? "";
      const result =
        r.inDoubt && r.deadline !== null && now < r.deadline
          ? await this.send(key, r.binding, node, false)
          : await this.verify(key, r.binding, node);
      if (this.apply(key, r, result) && (result.kind === "refused" || result.kind === "stale")) {
        this.opts.ledger.release(key);
        this.opts.logger.warn({ pod: key, node }, `released the devices reserved for pod ${key}: ${result.reason}`);
      }
    }
  }

  /** Records what became of a reservation, unless the informer settled it meanwhile; true when recorded. */
  private apply(key: string, r: Reservation, result: BindResult): boolean {
    const { reservations, clock, graceMs, retryMs } = this.opts;
    if (reservations.get(key) !== r) return false;
    const now = clock();
    if (result.kind === "bound") {
      r.inDoubt = false;
      r.checkAt = now + graceMs;
    } else if (result.kind === "in-doubt") {
      r.inDoubt = true;
      r.deadline ??= now + graceMs;
      r.checkAt = Math.min(now + retryMs, r.deadline);
    } else {
      reservations.drop(key);
    }
    return true;
  }

  private async send(key: string, binding: V1Binding, node: string, retry: boolean): Promise<BindResult> {
    const { name = "", namespace = "" } = binding.metadata ?? {};
    try {
      await this.opts.api.createNamespacedPodBinding({ name, namespace, body: binding });
      return BOUND;
    } catch (err) {
      const failure = `binding pod ${key} to node ${node} failed: ${apiErrorMessage(err)}`;
      const kind = failureKind(err);
      const cause = apiFailure(err);
      if (kind === "not-applied") return { kind: "refused", reason: failure, cause };
      if (kind === "unknown" && retry) {
        this.opts.logger.warn(
          { pod: key, node },
          `${failure}; sending the Binding again (at most one of the two can apply)`,
        );
        return this.send(key, binding, node, false);
      }
      return this.resolve(binding, node, failure, kind, cause);
    }
  }

  /** After a conflict or an unknown outcome: the pod as the API server has it now decides. */
  private async resolve(
    binding: V1Binding,
    node: string,
    failure: string,
    kind: FailureKind,
    cause: ApiFailure,
  ): Promise<BindResult> {
    let pod: V1Pod | null;
    try {
      pod = await this.readPod(binding);
    } catch (err) {
      return this.inDoubt(`${failure}; reading the pod back failed too (${apiErrorMessage(err)})`, cause);
    }
    const decided = decide(binding, node, pod, failure);
    if (decided !== null) return decided;
    if (kind === "conflict") {
      const rv = pod?.metadata?.resourceVersion;
      return { kind: "stale", reason: `${failure} (the pod changed since it was read: resourceVersion ${rv})`, cause };
    }
    return this.inDoubt(failure, cause);
  }

  /** At the end of the grace, or for a bound pod the informer never showed: bound there, or released. */
  private async verify(key: string, binding: V1Binding, node: string): Promise<BindResult> {
    let pod: V1Pod | null;
    try {
      pod = await this.readPod(binding);
    } catch (err) {
      // Releasing now could hand out devices the pod holds: kept, and asked again on the next round.
      const reason = `cannot read pod ${key} to settle its reservation: ${apiErrorMessage(err)}`;
      return { kind: "in-doubt", reason, cause: apiFailure(err) };
    }
    // The Binding's own outcome was never shown: as good as unanswered.
    return (
      decide(binding, node, pod, `pod ${key}`) ?? {
        kind: "refused",
        reason: `pod ${key} is not bound`,
        cause: "timeout",
      }
    );
  }

  private async readPod(binding: V1Binding): Promise<V1Pod | null> {
    const { name = "", namespace = "" } = binding.metadata ?? {};
    try {
      return await this.opts.api.readNamespacedPod({ name, namespace });
    } catch (err) {
      if (apiStatusCode(err) === 404) return null;
      throw err;
    }
  }

  private inDoubt(failure: string, cause: ApiFailure): BindResult {
    const seconds = Math.ceil(this.opts.graceMs / 1000);
    return {
      kind: "in-doubt",
      cause,
      reason: `${failure}; the API server has not shown whether the pod was bound, so its devices stay reserved until it does (at most ${seconds} s)`,
    };
  }
}

/**
 * bound / refused from the pod's current state; null while it is unbound (and not going away).
 * A pod gone is not-found; recreated, bound elsewhere or being deleted, a conflict.
 */
function decide(binding: V1Binding, node: string, pod: V1Pod | null, failure: string): BindResult | null {
  if (pod === null) return { kind: "refused", reason: `${failure}; the pod no longer exists`, cause: "not-found" };
  const refused = (why: string): BindResult => ({ kind: "refused", reason: `${failure}; ${why}`, cause: "conflict" });
  if (pod.metadata?.uid !== binding.metadata?.uid) return refused(`the pod was recreated (UID ${pod.metadata?.uid})`);
  const on = pod.spec?.nodeName;
  if (on === node) return BOUND;
  if (on) return refused(`the pod is bound to node ${on}`);
  if (pod.metadata?.deletionTimestamp) return refused("the pod is being deleted");
  return null;
}
