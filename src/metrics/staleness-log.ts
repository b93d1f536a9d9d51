/**
 * Logs staleness *transitions* (fresh → stale, stale → fresh) once, batched per refresh, instead
 * of on every request that meets a stale entry.
 */
import type { Logger } from "pino";

const NAMES_SHOWN = 10;

export class StalenessLog {
  private readonly stale = new Map<"node" | "model", Set<string>>([
    ["node", new Set()],
    ["model", new Set()],
  ]);

  constructor(
    private readonly logger: Logger,
    private readonly staleAfterSeconds: number,
  ) {}

  /** `staleNow`: every entry of this kind that is stale now; entries that vanished count as resolved. */
  update(kind: "node" | "model", staleNow: ReadonlySet<string>): { wentStale: string[]; recovered: string[] } {
    const before = this.stale.get(kind)!;
    const wentStale = [...staleNow].filter((n) => !before.has(n)).sort();
    const recovered = [...before].filter((n) => !staleNow.has(n)).sort();
    this.stale.set(kind, new Set(staleNow));
    if (wentStale.length > 0) {
      this.logger.warn(
        { kind, count: wentStale.length, names: wentStale.slice(0, NAMES_SHOWN) },
        `${wentStale.length} ${kind}${wentStale.length === 1 ? "" : "s"} went stale: no sample for more than ${this.staleAfterSeconds} s (${list(wentStale)})`,
      );
    }
    if (recovered.length > 0) {
      this.logger.info(
        { kind, count: recovered.length, names: recovered.slice(0, NAMES_SHOWN) },
        `${recovered.length} ${kind}${recovered.length === 1 ? " is" : "s are"} fresh again or gone (${list(recovered)})`,
      );
    }
    return { wentStale, recovered };
  }
}

function list(names: readonly string[]): string {
  const shown = names.slice(0, NAMES_SHOWN).join(", ");
  return names.length > NAMES_SHOWN ? `${shown} … +${names.length - NAMES_SHOWN} more` : shown;
}
