/**
 * Pods tierfit has bound (or is binding) but the pod informer has not yet seen scheduled. A relist
 * in that window must not release them, and a late DELETED event for an older pod of the same
 * name (a StatefulSet replacement) must not release the new one: hence the UID.
 */
export interface Reservation {
  readonly uid: string;
  /** ms since epoch. */
  readonly reservedAt: number;
}

export class Reservations {
  private readonly byKey = new Map<string, Reservation>();

  reserve(podKey: string, uid: string, now: number): void {
    this.byKey.set(podKey, { uid, reservedAt: now });
  }

  get(podKey: string): Reservation | undefined {
    return this.byKey.get(podKey);
  }

  drop(podKey: string): void {
    this.byKey.delete(podKey);
  }

  /** Reservation times by pod key, the shape reconcile() takes. */
  times(): Map<string, number> {
    return new Map([...this.byKey].map(([key, r]) => [key, r.reservedAt]));
  }

  get size(): number {
    return this.byKey.size;
  }
}
