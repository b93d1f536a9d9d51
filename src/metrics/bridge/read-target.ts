/** One scraped page → everything tierfit reads from it, whichever exporters it holds. */
import { readDcgm } from "./dcgm.js";
import type { Sample } from "./exposition.js";
import type { TargetReading } from "./readings.js";
import { readTriton } from "./triton.js";
import { readVllm } from "./vllm.js";

/** `nodeOverride` (the target's `--node` mapping) wins over any node label on the series. */
export function readTarget(samples: readonly Sample[], nodeOverride: string | null): TargetReading {
  const counters = new Map<string, number>();
  const triton = readTriton(samples, nodeOverride, counters);
  return {
    devices: [...readDcgm(samples, nodeOverride), ...triton.devices],
    servers: [...readVllm(samples, nodeOverride, counters), ...triton.servers],
    counters,
  };
}
