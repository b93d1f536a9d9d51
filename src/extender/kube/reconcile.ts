/**
 * What a full relist changes in the ledger. Pure, so the hard cases (a watch broken while pods
 * came and went, a bind in flight during the relist) are tested without I/O.
 *
 * - Every pod in the list is restored: restore replaces the pod's allocation, so a pod the ledger
 *   already holds is not counted twice.
 * - A pod the ledger holds but the list lacks was deleted (or finished) during the outage: released.
 * - Except tierfit's own reservations: pods assigned at bind time whose Binding the list may not
 *   show yet. They are kept until `reservationTtlMs` after the bind, then released; one that
 *   appears in the list is confirmed (the reservation is dropped, the restore takes over).
 */
export interface ReconcileInput {
  /** Pod keys the ledger holds allocations for. */
  readonly held: Iterable<string>;
  /** Pod keys of the scheduled, non-terminal pods in the new list. */
  readonly listed: ReadonlySet<string>;
  /** Reservation time (ms since epoch) of each pod tierfit bound and has not yet seen scheduled. */
  readonly reservations: ReadonlyMap<string, number>;
  readonly now: number;
  readonly reservationTtlMs: number;
}

export interface ReconcileActions {
  /** Pods to restore from the list (all of it, sorted). */
  readonly restore: readonly string[];
  /** Pods whose allocations to release: gone from the list and not a live reservation. */
  readonly release: readonly string[];
  /** Reservations the list shows bound: drop the reservation, keep the (restored) allocation. */
  readonly confirm: readonly string[];
  /** Reservations past their TTL without the pod appearing: drop the reservation (and release). */
  readonly expire: readonly string[];
}

export function reconcile(input: ReconcileInput): ReconcileActions {
  const release: string[] = [];
  const confirm: string[] = [];
  const expire: string[] = [];
  for (const [key, reservedAt] of input.reservations) {
    if (input.listed.has(key)) confirm.push(key);
    else if (input.now - reservedAt >= input.reservationTtlMs) expire.push(key);
  }
  for (const key of input.held) {
    if (input.listed.has(key)) continue;
    const reservedAt = input.reservations.get(key);
    if (reservedAt === undefined || input.now - reservedAt >= input.reservationTtlMs) release.push(key);
  }
  return {
    restore: [...input.listed].sort(),
    release: release.sort(),
    confirm: confirm.sort(),
    expire: expire.sort(),
  };
}

/** Nodes the ledger knows that the new list no longer has. */
export function vanishedNodes(held: Iterable<string>, listed: ReadonlySet<string>): string[] {
  return [...held].filter((name) => !listed.has(name)).sort();
}
