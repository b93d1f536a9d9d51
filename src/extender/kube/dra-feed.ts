/**
 * Turns what the ResourceSlice and ResourceClaim informers report into node devices and ledger
 * allocations: a node's GPUs come from its DRA driver's slices (the node is read again when they
 * change), and every allocated claim of that driver holds its devices' memory in the ledger
 * (dra-claims.ts) until it is deallocated or deleted.
 */
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { claimAllocation } from "../../cluster/dra-claims.js";
import { type ClaimLookup, claimLookupIn } from "../../cluster/dra-pod.js";
import { type DraGpu, draGpusByNode } from "../../cluster/dra-slices.js";
import type { AllocationLedger } from "../../cluster/ledger.js";
import type { TierfitConfig } from "../../config/schema.js";

export interface DraFeedOptions {
  readonly ledger: AllocationLedger;
  readonly config: () => TierfitConfig;
  readonly logger: Logger;
  /** Reads these nodes again (their devices changed). */
  readonly refreshNodes: (names: readonly string[]) => void;
}

function keyOf(obj: KubernetesObject): string {
  return `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`;
}

export class DraFeed {
  private readonly slices = new Map<string, KubernetesObject>();
  private readonly claims = new Map<string, KubernetesObject>();
  private gpus = new Map<string, DraGpu[]>();
  /** Claim keys (ledger keys) currently restored, so a deallocated claim is released. */
  private readonly held = new Set<string>();
  private readonly warned = new Set<string>();

  constructor(private readonly opts: DraFeedOptions) {}

  /** The node's GPUs from its slices; undefined when it has none (GFD labels or config then). */
  gpusOf(node: string): readonly DraGpu[] | undefined {
    return this.gpus.get(node);
  }

  /**
   * The ResourceClaims of these names in `namespace` as the informer holds them, and the names it
   * does not hold (not created yet, or the informer is behind). Never asks the API server: it is
   * read on the request path.
   */
  readonly claimsOf: ClaimLookup = claimLookupIn(this.claims);

  listSlices(items: readonly KubernetesObject[]): void {
    this.slices.clear();
    for (const s of items) this.slices.set(keyOf(s), s);
    this.slicesChanged();
  }

  upsertSlice(slice: KubernetesObject): void {
    this.slices.set(keyOf(slice), slice);
    this.slicesChanged();
  }

  deleteSlice(slice: KubernetesObject): void {
    this.slices.delete(keyOf(slice));
    this.slicesChanged();
  }

  listClaims(items: readonly KubernetesObject[]): void {
    this.claims.clear();
    for (const c of items) this.claims.set(keyOf(c), c);
    this.applyClaims();
  }

  upsertClaim(claim: KubernetesObject): void {
    this.claims.set(keyOf(claim), claim);
    this.applyClaims();
  }

  deleteClaim(claim: KubernetesObject): void {
    this.claims.delete(keyOf(claim));
    this.applyClaims();
  }

  /** Nodes arrived: claims allocated on them can be counted now. */
  nodesChanged(): void {
    if (this.claims.size > 0) this.applyClaims();
  }

  private slicesChanged(): void {
    const before = this.gpus;
    try {
      this.gpus = draGpusByNode([...this.slices.values()], this.opts.config().gpu.draDriver);
    } catch (err) {
      this.warnOnce("slices", `ResourceSlices not read: ${(err as Error).message}`);
      return;
    }
    const touched = new Set([...before.keys(), ...this.gpus.keys()]);
    this.opts.refreshNodes([...touched]);
    this.applyClaims();
  }

  /** Every claim again: cheap (claims are few next to pods) and right whatever order events came in. */
  private applyClaims(): void {
    const { ledger } = this.opts;
    const driver = this.opts.config().gpu.draDriver;
    const now = new Set<string>();
    for (const [key, claim] of this.claims) {
      try {
        const alloc = claimAllocation(claim, driver, (node) => ledger.node(node)?.view);
        if (alloc === null) continue;
        ledger.restore(alloc);
        now.add(alloc.podKey);
      } catch (err) {
        this.warnOnce(key, `ResourceClaim ${key} not counted: ${(err as Error).message}`);
      }
    }
    for (const key of this.held) if (!now.has(key)) ledger.release(key);
    this.held.clear();
    for (const key of now) this.held.add(key);
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.opts.logger.warn({ key }, message);
  }
}
