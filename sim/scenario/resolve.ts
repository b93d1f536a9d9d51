/**
 * From a parsed scenario document to a Scenario: schema validation, the rules that span fields
 * (the kind's sections, known policies and tiers, data files that exist, services that fit a GPU),
 * data paths made absolute against the scenario's folder and the tierfit config resolved. Every
 * problem is collected before one ScenarioError is thrown.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { loadConfig } from "../../src/config/load.js";
import { describeFound, type PathSegment, type Problem } from "../../src/config/problems.js";
import { configSchema, type TierfitConfig } from "../../src/config/schema.js";
import { crossFieldProblems } from "../../src/config/validate.js";
import { zodProblems } from "../../src/config/zod-problems.js";
import { TierfitError } from "../../src/errors.js";
import { POLICY_NAMES } from "../runs/policies.js";
import { listModes, scalingModesFor, splitPolicyLabel } from "./policy-label.js";
import { resolveFleet } from "./resolve-fleet.js";
import { KIND_SECTIONS, type RawScenario, type SectionName, scenarioSchema, sectionSchemas } from "./schema.js";
import type { Scenario } from "./types.js";

export interface ResolveOptions {
  /** Folder relative data and config paths are read from. */
  readonly baseDir: string;
}

/** The Scenario, or the problems that stop it (paths relative to the scenario's root). */
export function resolveScenario(raw: unknown, options: ResolveOptions): { scenario?: Scenario; problems: Problem[] } {
  const parsed = scenarioSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) return { problems: zodProblems(scenarioSchema, parsed.error.issues) };
  const s = parsed.data;
  const problems: Problem[] = [];
  const config = resolveConfig(s.config, options.baseDir, problems);
  const policies = resolvePolicies(s, problems);
  const sections = sectionProblems(s);
  problems.push(...sections.extra);
  // The checks below read the kind's sections: without them, report what is known so far.
  if (sections.missing.length > 0) return { problems: [...problems, ...sections.missing] };

  const file = (p: PathSegment[], value: string): string => {
    const absolute = resolve(options.baseDir, value);
    if (!existsSync(absolute)) problems.push({ path: p, message: `no such file: ${absolute}` });
    return absolute;
  };
  const tier = (p: PathSegment[], value: string) => {
    if (!config.tiers.some((t) => t.name === value)) {
      problems.push({
        path: p,
        message: `names tier "${value}", which is not configured (tiers: ${tierList(config)})`,
      });
    }
  };
  const common = { name: s.name, description: s.description, policies, seeds: s.seeds, config };
  let scenario: Scenario;
  switch (s.kind) {
    case "openb-fgd":
    case "openb-timed": {
      const o = s.openb!;
      const openb = { ...o, nodes: file(["openb", "nodes"], o.nodes), pods: file(["openb", "pods"], o.pods) };
      scenario =
        s.kind === "openb-fgd"
          ? { ...common, kind: s.kind, openb, fgd: s.fgd ?? sectionSchemas.fgd.parse({}) }
          : { ...common, kind: s.kind, openb, timed: s.timed ?? sectionSchemas.timed.parse({}) };
      break;
    }
    case "synthetic": {
      clusterProblems(s.cluster!, config, tier, problems);
      for (const t of Object.keys(s.synthetic!.tierMix)) tier(["synthetic", "tierMix", t], t);
      for (const [i, t] of (s.synthetic!.passthroughTiers ?? []).entries())
        tier(["synthetic", "passthroughTiers", i], t);
      if (!Object.values(s.synthetic!.gpuSizeMix).some((w) => (w ?? 0) > 0)) {
        problems.push({ path: ["synthetic", "gpuSizeMix"], message: "needs at least one GPU size with weight > 0" });
      }
      if (!Object.values(s.synthetic!.tierMix).some((w) => w > 0)) {
        problems.push({ path: ["synthetic", "tierMix"], message: "needs at least one tier with weight > 0" });
      }
      const timed = s.timed ?? sectionSchemas.timed.parse({});
      scenario = { ...common, kind: s.kind, cluster: s.cluster!, synthetic: s.synthetic!, timed };
      break;
    }
    case "inference": {
      const cluster = s.cluster!;
      clusterProblems(cluster, config, tier, problems);
      const inference = s.inference!;
      const services = inference.services.map((svc, i) => {
        const at: PathSegment[] = ["inference", "services", i];
        tier([...at, "tier"], svc.tier);
        serviceFitProblems(svc, at, cluster.nodes, config, problems);
        return { ...svc, trace: file([...at, "trace"], svc.trace) };
      });
      duplicates(
        inference.services.map((svc) => svc.name),
        ["inference", "services"],
        "service",
        problems,
      );
      scenario = { ...common, kind: s.kind, cluster, inference: { ...inference, services } };
      break;
    }
    case "fleet": {
      clusterProblems(s.cluster!, config, tier, problems);
      const fleet = resolveFleet(s.fleet!, s.cluster!, config, { file, tier }, problems);
      scenario = { ...common, kind: s.kind, cluster: s.cluster!, fleet };
      break;
    }
  }
  return problems.length > 0 ? { problems } : { scenario, problems };
}

/** The kind's required sections that are missing, and sections it does not use. */
function sectionProblems(s: RawScenario): { missing: Problem[]; extra: Problem[] } {
  const rules = KIND_SECTIONS[s.kind];
  const missing: Problem[] = [];
  const extra: Problem[] = [];
  for (const section of Object.keys(sectionSchemas) as SectionName[]) {
    const present = s[section] !== undefined;
    if (!present && rules.required.includes(section)) {
      missing.push({ path: [], message: `a scenario of kind ${s.kind} needs a "${section}" section` });
    } else if (present && !rules.required.includes(section) && !rules.optional.includes(section)) {
      const uses = [...rules.required, ...rules.optional].join(", ");
      extra.push({
        path: [section],
        message: `a scenario of kind ${s.kind} has no "${section}" section (it uses ${uses})`,
      });
    }
  }
  return { missing, extra };
}

/** Known names; `+scaling` only for inference (the scenario's default if absent) and fleet (required). */
function resolvePolicies(s: RawScenario, problems: Problem[]): string[] {
  const labels = s.policies.map((label, i) => {
    const { policy, scaling } = splitPolicyLabel(label);
    const at = ["policies", i];
    if (!(POLICY_NAMES as readonly string[]).includes(policy)) {
      problems.push({ path: at, message: `unknown policy "${policy}" (policies: ${POLICY_NAMES.join(", ")})` });
    }
    const modes = scalingModesFor(s.kind);
    if (modes === null) {
      if (scaling !== null) {
        problems.push({
          path: at,
          message: `"+${scaling}" (replica scaling) applies to inference and fleet scenarios only`,
        });
      }
      return policy;
    }
    if (scaling !== null && !modes.includes(scaling)) {
      problems.push({ path: at, message: `unknown scaling "${scaling}" (${listModes(modes)})` });
    }
    if (s.kind === "fleet" && scaling === null) {
      problems.push({
        path: at,
        message: `"${policy}" needs its replica scaling: ${modes.map((m) => `${policy}+${m}`).join(", ")}`,
      });
    }
    return `${policy}+${scaling ?? s.inference?.scaling ?? "static-peak"}`;
  });
  duplicates(labels, ["policies"], "policy", problems);
  const seen = new Set<number>();
  s.seeds.forEach((seed, i) => {
    if (seen.has(seed)) problems.push({ path: ["seeds", i], message: `seed ${seed} is listed twice` });
    seen.add(seed);
  });
  return labels;
}

function resolveConfig(value: unknown, baseDir: string, problems: Problem[]): TierfitConfig {
  const fallback = () => configSchema.parse({});
  if (value === undefined || value === null) return fallback();
  if (typeof value === "string") {
    try {
      return loadConfig(resolve(baseDir, value));
    } catch (err) {
      if (!(err instanceof TierfitError)) throw err;
      problems.push({ path: ["config"], message: err.message });
      return fallback();
    }
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    const found = describeFound(value);
    problems.push({ path: ["config"], message: `expected a config file path or a config mapping, found ${found}` });
    return fallback();
  }
  const parsed = configSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    // Described against the config schema itself, then placed under `config`.
    for (const p of zodProblems(configSchema, parsed.error.issues))
      problems.push({ ...p, path: ["config", ...p.path] });
    return fallback();
  }
  for (const p of crossFieldProblems(parsed.data)) problems.push({ ...p, path: ["config", ...p.path] });
  return parsed.data;
}

/** Node groups: known tiers, GPU memory known for their product, names used once. */
function clusterProblems(
  cluster: NonNullable<RawScenario["cluster"]>,
  config: TierfitConfig,
  tier: (p: PathSegment[], value: string) => void,
  problems: Problem[],
): void {
  cluster.nodes.forEach((g, i) => {
    tier(["cluster", "nodes", i, "tier"], g.tier);
    if (g.gpus > 0 && g.gpuMemoryMiB === undefined && !Object.hasOwn(config.gpu.productMemoryMiB, g.product)) {
      problems.push({
        path: ["cluster", "nodes", i, "product"],
        message: `GPU product "${g.product}" has no known memory (not in gpu.productMemoryMiB); set gpuMemoryMiB`,
      });
    }
  });
  duplicates(
    cluster.nodes.map((g) => g.name),
    ["cluster", "nodes"],
    "node group",
    problems,
  );
}

/** A service must find a GPU it accepts whose memory holds its weights with room for KV cache. */
function serviceFitProblems(
  svc: NonNullable<RawScenario["inference"]>["services"][number],
  at: PathSegment[],
  groups: NonNullable<RawScenario["cluster"]>["nodes"],
  config: TierfitConfig,
  problems: Problem[],
): void {
  const accepted = groups.filter(
    (g) => g.gpus > 0 && (svc.gpuProducts.length === 0 || svc.gpuProducts.includes(g.product)),
  );
  if (accepted.length === 0) {
    problems.push({ path: [...at, "gpuProducts"], message: "no node group has a GPU this service accepts" });
    return;
  }
  const memories = accepted.map((g) => g.gpuMemoryMiB ?? config.gpu.productMemoryMiB[g.product] ?? 0);
  if (memories.some((m) => m <= 0)) return; // the node group's own check reports the unknown product
  const device = svc.profile.gpuMemoryMiB ?? Math.min(...memories);
  if (svc.profile.weightsMiB >= device) {
    problems.push({
      path: [...at, "profile", "weightsMiB"],
      message: `weights of ${svc.profile.weightsMiB} MiB leave no room for KV cache on a ${device} MiB GPU`,
    });
  }
}

function duplicates(values: readonly string[], at: PathSegment[], what: string, problems: Problem[]): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) problems.push({ path: [...at, i], message: `${what} ${v} is listed twice` });
    seen.add(v);
  });
}

function tierList(config: TierfitConfig): string {
  return config.tiers.map((t) => t.name).join(", ");
}
