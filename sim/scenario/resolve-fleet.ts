/**
 * The cross-field rules of a fleet section: services name a known profile, tier and trace; a
 * profile's GPU product exists in the cluster on nodes with enough GPUs for its tensor
 * parallelism, and its weights leave room for KV cache on those devices. Trace paths come back
 * absolute.
 */
import type { PathSegment, Problem } from "../../src/config/problems.js";
import type { TierfitConfig } from "../../src/config/schema.js";
import { weightsMiB } from "../runs/fleet/serving-model.js";
import type { FleetSection } from "./fleet-schema.js";
import type { ClusterSection } from "./schema.js";

export interface ResolveHelpers {
  /** The absolute path of a data file, with a problem recorded when it does not exist. */
  readonly file: (at: PathSegment[], value: string) => string;
  /** Records a problem when `value` is not a configured tier. */
  readonly tier: (at: PathSegment[], value: string) => void;
}

export function resolveFleet(
  fleet: FleetSection,
  cluster: ClusterSection,
  config: TierfitConfig,
  helpers: ResolveHelpers,
  problems: Problem[],
): FleetSection {
  fleet.passthroughTiers.forEach((t, i) => {
    helpers.tier(["fleet", "passthroughTiers", i], t);
  });
  for (const [key, p] of Object.entries(fleet.profiles)) {
    const at: PathSegment[] = ["fleet", "profiles", key];
    const groups = cluster.nodes.filter((g) => g.product === p.product && g.gpus > 0);
    if (groups.length === 0) {
      problems.push({ path: [...at, "product"], message: `no node group has ${p.product} GPUs` });
      continue;
    }
    if (!groups.some((g) => g.gpus >= p.gpusPerReplica)) {
      problems.push({
        path: [...at, "gpusPerReplica"],
        message: `a replica spans ${p.gpusPerReplica} GPUs but no ${p.product} node has that many`,
      });
    }
    const device = Math.min(...groups.map((g) => g.gpuMemoryMiB ?? config.gpu.productMemoryMiB[g.product] ?? 0));
    const perDevice = weightsMiB(p) / p.gpusPerReplica;
    if (device > 0 && perDevice >= device) {
      problems.push({
        path: [...at, "paramsBillion"],
        message: `weights of ${Math.round(perDevice)} MiB per GPU leave no room for KV cache on a ${device} MiB ${p.product}`,
      });
    }
  }
  const seen = new Set<string>();
  const services = fleet.services.map((svc, i) => {
    const at: PathSegment[] = ["fleet", "services", i];
    if (seen.has(svc.name)) problems.push({ path: [...at, "name"], message: `service ${svc.name} is listed twice` });
    seen.add(svc.name);
    helpers.tier([...at, "tier"], svc.tier);
    if (!Object.hasOwn(fleet.profiles, svc.profile)) {
      const known = Object.keys(fleet.profiles).join(", ");
      problems.push({
        path: [...at, "profile"],
        message: `names profile "${svc.profile}", which is not defined (${known})`,
      });
    }
    return { ...svc, trace: helpers.file([...at, "trace"], svc.trace) };
  });
  return { ...fleet, services };
}
