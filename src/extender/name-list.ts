/**
 * A list of node names kept compactly for comparing with a later request's list: the names joined
 * into one string, rather than the request's own strings. Kept from one request to the next,
 * hundreds of small strings would survive into the old heap generation and cost the collector
 * more than comparing costs; one string is cheap to keep.
 *
 * A list with a name that contains the separator is not kept (no node name can: they are DNS
 * names), so the joined text splits one way only: an equal count and an equal joined text mean
 * equal names, one by one.
 */
const SEPARATOR = "\n";

export class NameList {
  private constructor(
    private readonly joined: string,
    readonly size: number,
  ) {}

  /** null when a name contains the separator. */
  static of(names: readonly string[]): NameList | null {
    for (let i = 0; i < names.length; i++) if (names[i].includes(SEPARATOR)) return null;
    return new NameList(names.join(SEPARATOR), names.length);
  }

  /** Whether `names` are these names, in this order. */
  equals(names: readonly string[]): boolean {
    return names.length === this.size && names.join(SEPARATOR) === this.joined;
  }
}
