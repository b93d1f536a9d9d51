import { randomUUID } from "node:crypto";
import { inject } from "vitest";

/** The Redis URL the global setup provides; null (with a reason) when no Redis can be had. */
export function testRedisUrl(): string | null {
  return inject("redisUrl");
}

export function redisUnavailableReason(): string | null {
  return inject("redisUnavailableReason");
}

/** A key prefix unique to one test, so parallel tests never see each other's keys. */
export function uniquePrefix(): string {
  return `tierfit-test:${randomUUID().slice(0, 8)}:`;
}
