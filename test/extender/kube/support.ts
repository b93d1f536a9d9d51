/** Shared by the kube tests: a log collector, polling, and the ledger's ground truth from the fake API server. */
import type { V1Pod } from "@kubernetes/client-node";
import { type Logger, pino } from "pino";
import { GPU_DEVICES_ANNOTATION, parseDeviceAnnotation } from "../../../src/cluster/device-annotation.js";
import type { AllocationLedger } from "../../../src/cluster/ledger.js";
import type { DeviceAssignment } from "../../../src/cluster/types.js";

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

/** A pino logger whose lines land in `lines`, parsed. */
export function collectingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: "debug" }, { write: (s: string) => lines.push(JSON.parse(s)) });
  return { logger, lines };
}

/** Polls until `condition` holds; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface HeldPod {
  readonly podKey: string;
  readonly node: string;
  readonly devices: readonly DeviceAssignment[];
}

/** What the ledger holds, sorted by pod key. */
export function held(ledger: AllocationLedger): HeldPod[] {
  return [...ledger.allocations()]
    .map((a) => ({ podKey: a.podKey, node: a.node, devices: a.devices }))
    .sort((a, b) => a.podKey.localeCompare(b.podKey));
}

/** What the ledger should hold for these pods: the bound, non-terminal ones, devices from their annotation. */
export function truth(pods: readonly V1Pod[]): HeldPod[] {
  return pods
    .filter((p) => p.spec?.nodeName && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed")
    .map((p) => {
      const annotation = p.metadata?.annotations?.[GPU_DEVICES_ANNOTATION];
      return {
        podKey: `${p.metadata?.namespace}/${p.metadata?.name}`,
        node: p.spec!.nodeName!,
        devices: annotation === undefined ? [] : parseDeviceAnnotation(annotation, "test"),
      };
    })
    .sort((a, b) => a.podKey.localeCompare(b.podKey));
}
