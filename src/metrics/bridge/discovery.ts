/**
 * Scrape targets found by label selector (`--discover SELECTOR:PORT[/PATH]`): each round the
 * bridge lists the pods the selector matches, in every namespace, and scrapes each running one
 * at its pod IP. A target found this way knows its node (the pod's spec.nodeName), so its series
 * need no node label and no --node mapping. DCGM exporter pods and inference servers alike.
 */
import type { V1Pod } from "@kubernetes/client-node";
import { TierfitError } from "../../errors.js";
import type { BridgeTarget } from "./targets.js";

export interface DiscoveryRule {
  readonly selector: string;
  readonly port: number;
  /** Starts with `/`; /metrics when the rule names none. */
  readonly path: string;
}

/** The pods a label selector matches, in every namespace. */
export type PodLister = (labelSelector: string) => Promise<readonly V1Pod[]>;

/** `app.kubernetes.io/name=vllm:8000` or `app=nvidia-dcgm-exporter:9400/metrics`: the last `:` ends the selector. */
export function parseDiscovery(spec: string): DiscoveryRule {
  const colon = spec.lastIndexOf(":");
  const selector = spec.slice(0, colon).trim();
  const rest = spec.slice(colon + 1);
  const slash = rest.indexOf("/");
  const portText = slash < 0 ? rest : rest.slice(0, slash);
  const port = Number(portText);
  if (colon <= 0 || selector === "" || !/^\d+$/.test(portText) || port < 1 || port > 65535) {
    throw new TierfitError(
      "TF_ERR_INPUT",
      `--discover "${spec}" is not SELECTOR:PORT[/PATH] (e.g. app.kubernetes.io/name=vllm:8000/metrics)`,
    );
  }
  return { selector, port, path: slash < 0 ? "/metrics" : rest.slice(slash) };
}

/** Every running pod with an IP that a rule matches, as a target on its node; one target per URL. */
export async function discoverTargets(rules: readonly DiscoveryRule[], list: PodLister): Promise<BridgeTarget[]> {
  const byUrl = new Map<string, BridgeTarget>();
  for (const rule of rules) {
    for (const pod of await list(rule.selector)) {
      const ip = pod.status?.podIP;
      if (pod.status?.phase !== "Running" || !ip) continue;
      const host = ip.includes(":") ? `[${ip}]` : ip;
      const url = `http://${host}:${rule.port}${rule.path}`;
      if (!byUrl.has(url)) byUrl.set(url, { url, node: pod.spec?.nodeName || null });
    }
  }
  return [...byUrl.values()];
}
