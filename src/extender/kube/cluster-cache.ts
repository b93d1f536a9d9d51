/** The ClusterCache port over the informers: readiness, staleness and the ledger they feed. */
import type { AllocationLedger } from "../../cluster/ledger.js";
import type { ClusterCache } from "../ports.js";

/** What the cache needs to know of one informer. */
export interface InformerStatus {
  /** "node", "pod". */
  readonly name: string;
  hasSynced(): boolean;
  /** ms since epoch of the last list or watch event; 0 before any. */
  lastHeardAt(): number;
}

export class KubeClusterCache implements ClusterCache {
  private readonly startedAt: number;

  constructor(
    readonly ledger: AllocationLedger,
    private readonly informers: readonly InformerStatus[],
    private readonly keyByUid: (uid: string) => string | undefined,
    private readonly clock: () => number,
  ) {
    this.startedAt = clock();
  }

  synced(): boolean {
    return this.informers.every((i) => i.hasSynced());
  }

  missing(): string[] {
    return this.informers
      .filter((i) => !i.hasSynced())
      .map((i) => `${i.name} informer has not completed its first list`);
  }

  /** Since the last list or watch event of any informer (since start when none has been heard from yet). */
  ageMs(): number {
    const last = Math.max(this.startedAt, ...this.informers.map((i) => i.lastHeardAt()));
    return Math.max(0, this.clock() - last);
  }

  podKeyByUid(uid: string): string | undefined {
    return this.keyByUid(uid);
  }
}
