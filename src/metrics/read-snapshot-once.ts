/** One fresh demand snapshot for a CLI command (`demand show`, `explain --redis`): connect, read once, disconnect. */
import { pino } from "pino";
import type { DemandSnapshot } from "../scoring/demand-snapshot.js";
import { unavailable } from "./redis-client.js";
import { openRedisSession, type RedisFlags } from "./redis-session.js";
import { SnapshotReader } from "./snapshot-reader.js";

export async function readSnapshotOnce(flags: RedisFlags): Promise<DemandSnapshot> {
  const session = await openRedisSession(flags);
  try {
    const reader = new SnapshotReader({
      redis: session.redis,
      keys: session.keys,
      staleAfterSeconds: session.config.demand.staleAfterSeconds,
      logger: pino({ level: "silent" }),
    });
    if (!(await reader.refresh())) throw unavailable(session.url, reader.status().lastError ?? "the read failed");
    return reader.current();
  } finally {
    session.close();
  }
}
