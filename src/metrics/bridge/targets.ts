/** The bridge's command-line inputs: scrape targets, their nodes, durations. */
import { TierfitError } from "../../errors.js";

export interface BridgeTarget {
  readonly url: string;
  /** The Kubernetes node every series of this target comes from; null = read it from the labels. */
  readonly node: string | null;
}

/** `--scrape URL…` plus `--node URL=NODE…` → targets. Every mapping must name a scraped URL. */
export function buildTargets(urls: readonly string[], nodeMappings: readonly string[]): BridgeTarget[] {
  const nodes = new Map<string, string>();
  for (const m of nodeMappings) {
    const eq = m.lastIndexOf("=");
    const url = m.slice(0, eq);
    const node = m.slice(eq + 1);
    if (eq <= 0 || node === "") {
      throw new TierfitError(
        "TF_ERR_INPUT",
        `--node "${m}" is not URL=NODE (e.g. http://10.0.0.7:8000/metrics=gpu-node-7)`,
      );
    }
    if (!urls.includes(url)) throw new TierfitError("TF_ERR_INPUT", `--node names ${url}, which is not a --scrape URL`);
    nodes.set(url, node);
  }
  return urls.map((url) => {
    try {
      const u = new URL(url);
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("not http(s)");
    } catch {
      throw new TierfitError("TF_ERR_INPUT", `--scrape "${url}" is not an http(s) URL`);
    }
    return { url, node: nodes.get(url) ?? null };
  });
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "15s", "500ms", "2m", "1h" or a bare number of seconds → ms. */
export function parseDurationMs(text: string, what: string): number {
  const trimmed = text.trim();
  const unit = ["ms", "s", "m", "h"].find((u) => trimmed.endsWith(u) && trimmed.length > u.length) ?? "";
  const amount = Number(unit ? trimmed.slice(0, -unit.length) : trimmed);
  const ms = amount * (UNIT_MS[unit] ?? 1000);
  if (!(ms > 0) || !Number.isFinite(ms)) {
    throw new TierfitError("TF_ERR_INPUT", `${what} "${text}" is not a positive duration (e.g. 15s, 500ms, 2m)`);
  }
  return ms;
}
