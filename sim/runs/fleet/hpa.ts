/**
 * The HorizontalPodAutoscaler's decision, as kube-controller-manager makes it every sync period
 * (pkg/controller/podautoscaler): the replica calculator for a metric with an average target per
 * pod (an External or Object metric, as KEDA exposes queue length or in-flight requests), then
 * the behaviour rules with their defaults (autoscaling/v2):
 *  - tolerance: no change while metric / (target × current replicas) is within 1 ± tolerance;
 *    otherwise ceil(metric / target);
 *  - scale-down stabilisation: never below the largest recommendation of the last window
 *    (default 300 s); scale-up stabilisation window 0;
 *  - scale-up rate: at most the larger of +100 % and +4 pods per period; scale-down: 100 %.
 * The caller passes the metric already divided by the per-pod target ("replicas wanted", a
 * real number), so one class serves the reactive and the forecast loops alike.
 */

export interface HpaSettings {
  readonly tolerance: number;
  readonly scaleDownStabilisationSeconds: number;
  readonly scaleUpPercent: number;
  readonly scaleUpPods: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
}

export class Hpa {
  /** Recommendations in the stabilisation window, oldest first. */
  readonly #times: number[] = [];
  readonly #values: number[] = [];

  constructor(private readonly settings: HpaSettings) {}

  /** The replica count after a sync at `now`, with `current` replicas and `wanted` = metric / target. */
  decide(now: number, current: number, wanted: number): number {
    const s = this.settings;
    const ratio = current > 0 ? wanted / current : Number.POSITIVE_INFINITY;
    const raw = Math.abs(ratio - 1) <= s.tolerance ? current : Math.ceil(wanted - 1e-9);
    const recommendation = Math.min(s.maxReplicas, Math.max(s.minReplicas, raw));

    const cutoff = now - s.scaleDownStabilisationSeconds;
    let drop = 0;
    while (drop < this.#times.length && this.#times[drop] <= cutoff) drop++;
    if (drop > 0) {
      this.#times.splice(0, drop);
      this.#values.splice(0, drop);
    }
    this.#times.push(now);
    this.#values.push(recommendation);
    let down = recommendation;
    for (const v of this.#values) if (v > down) down = v;

    let desired = current;
    if (recommendation > desired) desired = recommendation;
    if (desired > down) desired = down;
    if (desired > current) {
      const limit = Math.max(current + s.scaleUpPods, Math.floor(current * (1 + s.scaleUpPercent / 100)));
      desired = Math.min(desired, limit);
    }
    return Math.min(s.maxReplicas, Math.max(s.minReplicas, desired));
  }
}
