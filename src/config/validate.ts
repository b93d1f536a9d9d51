/**
 * Rules that span fields, which the schema alone cannot state: tier names unique, every tier
 * reference resolves, the score expression compiles and gives a finite number on sample
 * signals, the weights can rank anything at all, the ranked levels name each signal once and
 * only the last compares exact scores.
 */
import { compileScoreExpression } from "../scoring/expression.js";
import { MAX_RANKS, rankCount } from "../scoring/ranked.js";
import type { Problem } from "./problems.js";
import { SIGNAL_NAMES, type TierfitConfig } from "./schema.js";

/**
 * Runs on the validated config, or, when the schema failed, on a lenient view (the file's raw
 * values laid over the defaults), so these problems are reported together with the schema's.
 * The rules therefore read defensively: a value of the wrong type was already reported.
 */
export function crossFieldProblems(config: TierfitConfig): Problem[] {
  return [
    ...uniqueTierNames(config),
    ...runtimeClassesInOneTier(config),
    ...crossTenantSharingIsShared(config),
    ...runtimeLabelTiersExist(config),
    ...expressionCompiles(config),
    ...someWeightAboveZero(config),
    ...rankedLevelsUsable(config),
  ];
}

function tierNames(config: TierfitConfig): (string | undefined)[] {
  return list(config.tiers).map((t) => text((t as { name?: unknown } | null)?.name));
}

function uniqueTierNames(config: TierfitConfig): Problem[] {
  const firstIndex = new Map<string, number>();
  const problems: Problem[] = [];
  tierNames(config).forEach((name, i) => {
    if (name === undefined) return;
    const first = firstIndex.get(name);
    if (first === undefined) firstIndex.set(name, i);
    else problems.push({ path: ["tiers", i, "name"], message: `duplicate tier name "${name}" (also tiers[${first}])` });
  });
  return problems;
}

/** A runtime class listed under two tiers would give a pod two answers. */
function runtimeClassesInOneTier(config: TierfitConfig): Problem[] {
  const names = tierNames(config);
  const owner = new Map<string, number>();
  const problems: Problem[] = [];
  list(config.tiers).forEach((tier, i) => {
    list((tier as { runtimeClasses?: unknown } | null)?.runtimeClasses).forEach((rc, j) => {
      if (typeof rc !== "string") return;
      const other = owner.get(rc);
      if (other === undefined) owner.set(rc, i);
      else if (other !== i) {
        problems.push({
          path: ["tiers", i, "runtimeClasses", j],
          message: `runtime class "${rc}" is already mapped to tier "${names[other] ?? `tiers[${other}]`}"`,
        });
      }
    });
  });
  return problems;
}

/** Only memory shares can cross tenants by config: an exclusive tier shares nothing, a MIG tier shares slices. */
function crossTenantSharingIsShared(config: TierfitConfig): Problem[] {
  return list(config.tiers).flatMap((tier, i) => {
    const t = tier as { gpuSharing?: unknown; shareDevicesAcrossTenants?: unknown } | null;
    if (t?.shareDevicesAcrossTenants !== true || t.gpuSharing === undefined || t.gpuSharing === "shared") return [];
    return [
      {
        path: ["tiers", i, "shareDevicesAcrossTenants"],
        message: `only a tier with gpuSharing "shared" can share GPU memory across tenants; this tier's gpuSharing is "${String(t.gpuSharing)}"`,
      },
    ];
  });
}

function runtimeLabelTiersExist(config: TierfitConfig): Problem[] {
  const names = tierNames(config).filter((n) => n !== undefined);
  return list(config.tierSources?.runtimeLabels).flatMap((rl, i) => {
    const tier = text((rl as { tier?: unknown } | null)?.tier);
    if (tier === undefined || names.includes(tier)) return [];
    return [
      {
        path: ["tierSources", "runtimeLabels", i, "tier"],
        message: `expected one of the tiers ${[...new Set(names)].map((n) => `"${n}"`).join(", ")}, found "${tier}"`,
      },
    ];
  });
}

/**
 * Signal values the expression is tried on: each signal is normalised to 0..10 before the
 * expression sees it, so the ends, and mixes of them and of values between.
 */
const SAMPLE_SIGNALS: readonly (readonly number[])[] = [
  SIGNAL_NAMES.map(() => 0),
  SIGNAL_NAMES.map(() => 10),
  SIGNAL_NAMES.map((_, i) => (i % 2 === 0 ? 0 : 10)),
  SIGNAL_NAMES.map((_, i) => (i % 2 === 0 ? 10 : 0)),
  SIGNAL_NAMES.map((_, i) => 2.5 + i * 1.5),
];

/**
 * An expression that compiles can still fail on every node (`min()`, `round(x, 100)`) or give
 * Infinity or NaN (`1 / gpuMemory`): applied, it would fail every filter. It must give a finite
 * number on every sample.
 */
function expressionCompiles(config: TierfitConfig): Problem[] {
  const expr = text(config.scoring?.expression);
  if (expr === undefined || expr === "") return [];
  const compiled = compileScoreExpression(expr);
  if (!compiled.ok) return [{ path: ["scoring", "expression"], message: compiled.error }];
  for (const sample of SAMPLE_SIGNALS) {
    const signals = Object.fromEntries(SIGNAL_NAMES.map((name, i) => [name, sample[i]]));
    const at = SIGNAL_NAMES.map((name, i) => `${name}=${sample[i]}`).join(", ");
    let value: number;
    try {
      value = compiled.evaluate(signals);
    } catch (err) {
      return [{ path: ["scoring", "expression"], message: `fails with ${at}: ${(err as Error).message}` }];
    }
    if (!Number.isFinite(value)) {
      return [
        {
          path: ["scoring", "expression"],
          message: `gives ${value} with ${at}; a score must be a finite number`,
        },
      ];
    }
  }
  return [];
}

function someWeightAboveZero(config: TierfitConfig): Problem[] {
  const scoring = config.scoring ?? {};
  if (typeof scoring.expression === "string" || scoring.combine !== "weighted") return [];
  const weights = Object.values(scoring.weights ?? {});
  if (!weights.every((w) => typeof w === "number") || weights.some((w) => w > 0)) return [];
  return [
    {
      path: ["scoring", "weights"],
      message:
        "expected at least one weight above 0 (or a scoring.expression), found all 0: every node would score the same",
    },
  ];
}

function rankedLevelsUsable(config: TierfitConfig): Problem[] {
  const levels = list(config.scoring?.ranked) as { signal?: unknown; step?: unknown }[];
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  levels.forEach((level, i) => {
    const signal = text(level?.signal);
    if (signal === undefined) return;
    const first = seen.get(signal);
    if (first === undefined) seen.set(signal, i);
    else problems.push({ path: ["scoring", "ranked", i, "signal"], message: `"${signal}" is already level ${first}` });
    if (level.step === 0 && i < levels.length - 1) {
      problems.push({
        path: ["scoring", "ranked", i, "step"],
        message: "expected a step above 0: only the last level may compare exact scores (step 0)",
      });
    }
  });
  const steps = levels.map((l) => ({ step: typeof l?.step === "number" ? l.step : 0 }));
  if (rankCount(steps) > MAX_RANKS) {
    problems.push({
      path: ["scoring", "ranked"],
      message: `expected at most ${MAX_RANKS} ranks in all (the product of the levels' 10 / step + 1), found ${rankCount(steps)}: use fewer levels or wider steps`,
    });
  }
  return problems;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
