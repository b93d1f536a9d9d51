/**
 * Puts back into kube-scheduler's active queue the pods it gave up on while tierfit could not
 * answer (tierfit restarting or unreachable). kube-scheduler marks such a pod PodScheduled=False
 * with reason SchedulerError and may leave it in its unschedulable queue until the periodic flush
 * (5 minutes in v1.28), unless the pod object changes in something other than its status
 * (DESIGN §6). The touch: one annotation, `tierfit.io/requeued-at`, set to the time, with a JSON
 * merge patch; at most once a minute per pod, and only while tierfit's cache is complete (a pod
 * requeued earlier would only fail again).
 */
import { type CoreV1Api, PatchStrategy, setHeaderOptions, type V1Pod } from "@kubernetes/client-node";
import type { Logger } from "pino";
import type { TierfitConfig } from "../../config/schema.js";
import { apiErrorMessage, apiStatusCode } from "./api-error.js";

export const REQUEUE_ANNOTATION = "tierfit.io/requeued-at";

/** kube-scheduler's reason on a pod whose scheduling attempt failed with an error (v1.PodReasonSchedulerError). */
const SCHEDULER_ERROR = "SchedulerError";

/** A pending pod of tierfit's schedulers that kube-scheduler last failed to schedule because of an error. */
export function needsRequeue(pod: V1Pod, schedulerNames: readonly string[]): boolean {
  if (pod.spec?.nodeName || pod.metadata?.deletionTimestamp || pod.status?.phase !== "Pending") return false;
  if (!schedulerNames.includes(pod.spec?.schedulerName ?? "default-scheduler")) return false;
  const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
  return scheduled?.status === "False" && scheduled.reason === SCHEDULER_ERROR;
}

export interface RequeuerOptions {
  readonly api: CoreV1Api;
  readonly config: () => TierfitConfig;
  readonly logger: Logger;
  readonly clock: () => number;
  /** tierfit can answer for the pod now (its cache is complete). */
  readonly ready: () => boolean;
  /** The pod as the informer holds it now, to check again before touching it. */
  readonly current: (namespace: string, name: string) => V1Pod | undefined;
  /** Least time between two touches of one pod. */
  readonly intervalMs: number;
}

export class Requeuer {
  /** Pods to touch, by `namespace/name`. */
  private readonly queued = new Set<string>();
  /** When each pod (by UID) was last touched. */
  private readonly touchedAt = new Map<string, number>();
  private forbidden = false;

  constructor(private readonly opts: RequeuerOptions) {}

  /** Notes a pod the informer reported; it is touched by the next drain() if it still needs it. */
  consider(pod: V1Pod): void {
    if (this.forbidden || !needsRequeue(pod, this.opts.config().kube.schedulerNames)) return;
    this.queued.add(`${pod.metadata?.namespace}/${pod.metadata?.name}`);
  }

  /** Touches the queued pods that still need it, one at a time; nothing while tierfit is not ready. */
  async drain(): Promise<void> {
    if (!this.opts.ready()) return;
    const now = this.opts.clock();
    for (const [uid, at] of this.touchedAt) if (now - at >= this.opts.intervalMs) this.touchedAt.delete(uid);
    for (const key of [...this.queued]) {
      this.queued.delete(key);
      const [namespace, name] = key.split("/");
      const pod = this.opts.current(namespace, name);
      const uid = pod?.metadata?.uid ?? "";
      if (!pod || this.forbidden || this.touchedAt.has(uid)) continue;
      if (!needsRequeue(pod, this.opts.config().kube.schedulerNames)) continue;
      this.touchedAt.set(uid, now);
      await this.touch(key, namespace, name);
    }
  }

  private async touch(key: string, namespace: string, name: string): Promise<void> {
    const body = { metadata: { annotations: { [REQUEUE_ANNOTATION]: new Date(this.opts.clock()).toISOString() } } };
    try {
      await this.opts.api.patchNamespacedPod(
        { name, namespace, body },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      );
      this.opts.logger.info(
        { pod: key },
        `requeued pod ${key}: kube-scheduler failed it while tierfit could not answer`,
      );
    } catch (err) {
      if (apiStatusCode(err) === 403) {
        this.forbidden = true;
        this.queued.clear();
        this.opts.logger.warn(
          { pod: key },
          `cannot requeue pods (${apiErrorMessage(err)}): grant patch on pods (the tierfit-requeue ClusterRole) ` +
            "or pods failed while tierfit was unreachable wait for kube-scheduler's own retry, up to 5 minutes",
        );
        return;
      }
      this.opts.logger.warn({ pod: key }, `requeueing pod ${key} failed: ${apiErrorMessage(err)}`);
    }
  }
}
