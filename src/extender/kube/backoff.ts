/**
 * How long to wait before relisting after a failed list or a broken watch: exponential, capped,
 * with jitter so that every tierfit replica does not hit a recovering API server in the same instant.
 */
export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 30_000 };

/**
 * Delay before retry number `attempt` (0 = the first retry): half of the capped exponential step
 * is fixed, the other half random ("equal jitter"), so the delay never collapses to zero.
 */
export function backoffDelayMs(policy: BackoffPolicy, attempt: number, random: number): number {
  const step = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(step / 2 + (step / 2) * random);
}
