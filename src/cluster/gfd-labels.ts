/**
 * What NVIDIA GPU Feature Discovery's node labels say about a node's GPUs: count, product and
 * memory per GPU, device-plugin replicas (time-slicing or MPS) and MIG slices. Label names and
 * values as GFD writes them (DESIGN §6): `nvidia.com/gpu.replicas=4`,
 * `nvidia.com/gpu.sharing-strategy=time-slicing`, product suffixed `-SHARED` when shared,
 * `nvidia.com/mig.strategy=mixed` with `nvidia.com/mig-3g.40gb.count=2` and `.memory` in MiB.
 */
import type { TierfitConfig } from "../config/schema.js";
import { TierfitError } from "../errors.js";
import { MAX_GPUS_PER_NODE } from "./limits.js";

export const GFD_COUNT_LABEL = "nvidia.com/gpu.count";
export const GFD_REPLICAS_LABEL = "nvidia.com/gpu.replicas";
export const GFD_SHARING_LABEL = "nvidia.com/gpu.sharing-strategy";
export const GFD_MIG_STRATEGY_LABEL = "nvidia.com/mig.strategy";
/** `nvidia.com/mig-<profile>.count`; profiles as NVIDIA names them (`1g.10gb`, `3g.40gb`, `1g.10gb+me`). */
const MIG_COUNT_LABEL = /^nvidia\.com\/mig-([0-9]+g\.[0-9]+gb(?:\+[a-z]+)?)\.count$/;
const SHARED_SUFFIX = "-SHARED";

export interface GfdMigProfile {
  readonly profile: string;
  readonly count: number;
  /** `nvidia.com/mig-<profile>.memory`, else the size the profile's name states; MiB. */
  readonly memoryMiB: number;
}

export interface GfdGpus {
  readonly count: number | null;
  /** `nvidia.com/gpu.product` without the `-SHARED` suffix sharing adds, so product lists still match. */
  readonly product: string | null;
  readonly memoryMiB: number | null;
  /** 1 without replicas. */
  readonly replicas: number;
  readonly sharingStrategy: string | null;
  readonly migStrategy: string | null;
  readonly migProfiles: readonly GfdMigProfile[];
}

/** The GFD facts on a node; null when it carries none of GFD's GPU labels. */
export function readGfdLabels(
  labels: Readonly<Record<string, string>>,
  config: TierfitConfig,
  at: string,
): GfdGpus | null {
  const number = (key: string, max: number, what = "a number"): number | null => {
    const text = labels[key];
    if (text === undefined) return null;
    if (!/^\d+(\.\d+)?$/.test(text) || Number(text) > max) {
      throw new TierfitError(
        "TF_ERR_INPUT",
        `${at}, label ${key}="${text}" is not ${what} up to ${max} (GPU Feature Discovery writes e.g. ${key.endsWith(".memory") ? "81920" : "8"})`,
      );
    }
    return Number(text);
  };
  const migProfiles: GfdMigProfile[] = [];
  for (const key of Object.keys(labels)) {
    const profile = MIG_COUNT_LABEL.exec(key)?.[1];
    if (profile === undefined) continue;
    const count = number(key, MAX_GPUS_PER_NODE) ?? 0;
    const memoryMiB =
      number(`nvidia.com/mig-${profile}.memory`, 1 << 24, "a number of MiB") ?? profileMemoryMiB(profile);
    if (count > 0) migProfiles.push({ profile, count, memoryMiB });
  }
  migProfiles.sort((a, b) => a.profile.localeCompare(b.profile));
  const product = labels[config.gpu.productLabel];
  const gfd: GfdGpus = {
    count: number(GFD_COUNT_LABEL, MAX_GPUS_PER_NODE),
    product:
      product === undefined
        ? null
        : product.endsWith(SHARED_SUFFIX)
          ? product.slice(0, -SHARED_SUFFIX.length)
          : product,
    memoryMiB: number(config.gpu.memoryLabel, 1 << 24, "a number of MiB"),
    replicas: number(GFD_REPLICAS_LABEL, MAX_GPUS_PER_NODE) ?? 1,
    sharingStrategy: labels[GFD_SHARING_LABEL] ?? null,
    migStrategy: labels[GFD_MIG_STRATEGY_LABEL] ?? null,
    migProfiles,
  };
  const any = gfd.count !== null || gfd.memoryMiB !== null || gfd.product !== null || migProfiles.length > 0;
  return any ? gfd : null;
}

/** "3g.40gb" → 40 GiB: the profile's name rounds its memory, the best there is without the label. */
function profileMemoryMiB(profile: string): number {
  const gb = /\.([0-9]+)gb/.exec(profile)?.[1];
  return gb === undefined ? 0 : Number(gb) * 1024;
}
