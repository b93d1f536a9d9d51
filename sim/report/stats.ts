/** Aggregates over seeds: each policy's runs reduced to median and spread. */
import mathjs from "mathjs/lib/browser/math.js";
import type { RunResult } from "../results.js";

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly values: readonly number[];
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, values };
  return { median: Number(mathjs.median([...values])), min: Math.min(...values), max: Math.max(...values), values };
}

/** Policies in the order they first appear in the runs. */
export function policiesOf(summary: { readonly runs: readonly Pick<RunResult, "policy">[] }): string[] {
  return [...new Set(summary.runs.map((r) => r.policy))];
}

export function metricByPolicy(
  summary: { readonly runs: readonly Pick<RunResult, "policy" | "metrics">[] },
  metric: string,
): Map<string, Spread> {
  const out = new Map<string, Spread>();
  for (const policy of policiesOf(summary)) {
    const values = summary.runs.filter((r) => r.policy === policy).map((r) => r.metrics[metric]);
    out.set(policy, spread(values.filter((v): v is number => typeof v === "number" && Number.isFinite(v))));
  }
  return out;
}
