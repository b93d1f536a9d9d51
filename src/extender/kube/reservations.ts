/**
 * Pods tierfit has bound (or is binding) but the pod informer has not yet seen scheduled. A relist
 * in that window must not release them, and a late DELETED event for an older pod of the same
 * name (a StatefulSet replacement) must not release the new one: hence the UID. Once its Binding
 * has been answered, a reservation has a time at which, if the informer has still not confirmed
 * it, the API server is asked what became of the pod (bind-settler.ts).
 */
import type { V1Binding } from "@kubernetes/client-node";

export interface Reservation {
  readonly uid: string;
  /** ms since epoch. */
  readonly reservedAt: number;
  /** The Binding tierfit sent, to send again when its outcome is unknown. */
  readonly binding: V1Binding | null;
  /** The Binding failed in a way that does not say whether it was applied (timeout, reset, 5xx). */
  inDoubt: boolean;
  /** ms since epoch at which to ask the API server; null while the Binding is in flight. */
  checkAt: number | null;
  /** ms since epoch after which the pod is released unless the API server shows it bound there. */
  deadline: number | null;
}

export class Reservations {
  private readonly byKey = new Map<string, Reservation>();

  reserve(podKey: string, uid: string, now: number, binding: V1Binding | null = null): void {
    this.byKey.set(podKey, { uid, reservedAt: now, binding, inDoubt: false, checkAt: null, deadline: null });
  }

  get(podKey: string): Reservation | undefined {
    return this.byKey.get(podKey);
  }

  drop(podKey: string): void {
    this.byKey.delete(podKey);
  }

  /** Reservations whose check time has come, by pod key. */
  due(now: number): [string, Reservation][] {
    return [...this.byKey].filter(([, r]) => r.checkAt !== null && r.checkAt <= now);
  }

  /** Reservation times by pod key, the shape reconcile() takes. */
  times(): Map<string, number> {
    return new Map([...this.byKey].map(([key, r]) => [key, r.reservedAt]));
  }

  get size(): number {
    return this.byKey.size;
  }
}
