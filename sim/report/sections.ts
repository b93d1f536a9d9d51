/**
 * What every report says, in this order, whether printed or in report.html: the saving against
 * the scenario's baseline (the headline), the results the scenario kind is about, isolation
 * violations, then the per-tier breakdown. Built from runs that already carry their saving
 * (withSavings), so each figure has one name in summary.json, the terminal and the page.
 */
import type { RunResult } from "../results.js";
import type { ScenarioKind } from "../scenario/schema.js";
import { isolationMetrics, perTierMetrics, resultMetrics } from "./columns.js";
import { applicableRule, type SavingRule, savingRule } from "./saving.js";
import { policiesOf, spread } from "./stats.js";
import { cellNote, formatNumber, perTierTable, policyTable, type Table, textTable } from "./table.js";

export interface ReportSections {
  /** Absent when the kind has no baseline; `table` absent when the baseline did not run. */
  readonly saving?: { readonly rule: SavingRule; readonly lead: string; readonly table?: Table };
  readonly results: Table;
  readonly isolation?: Table;
  readonly perTier?: Table;
  /** What a cell is. */
  readonly note: string;
}

export function reportSections(kind: ScenarioKind | undefined, runs: readonly RunResult[]): ReportSections {
  const isolation = isolationMetrics(runs);
  const perTier = perTierMetrics(runs);
  const perTierRows = perTier.length > 0 ? perTierTable(runs, perTier) : undefined;
  return {
    saving: savingSection(kind, runs),
    results: policyTable(runs, resultMetrics(kind, runs)),
    isolation: isolation.length > 0 ? policyTable(runs, isolation) : undefined,
    perTier: perTierRows && perTierRows.rows.length > 0 ? perTierRows : undefined,
    note: cellNote(runs),
  };
}

function savingSection(kind: ScenarioKind | undefined, runs: readonly RunResult[]): ReportSections["saving"] {
  const rule = savingRule(kind);
  if (rule === undefined) return undefined;
  if (applicableRule(kind, runs) === undefined) {
    return { rule, lead: `No saving shown: the baseline, ${rule.baseline}, was not among the policies run.` };
  }
  return { rule, lead: leadSentence(rule, runs), table: policyTable(runs, [rule.saved, rule.savedPercent]) };
}

/** The policy that saves most (median over seeds), in one sentence. */
function leadSentence(rule: SavingRule, runs: readonly RunResult[]): string {
  const best = policiesOf({ runs })
    .filter((p) => p !== rule.baseline)
    .map((policy) => {
      const own = runs.filter((r) => r.policy === policy);
      const values = (m: string) => own.map((r) => r.metrics[m]).filter((v): v is number => typeof v === "number");
      return { policy, saved: spread(values(rule.saved)), percent: spread(values(rule.savedPercent)) };
    })
    .filter((p) => p.saved.values.length > 0)
    .sort((a, b) => b.saved.median - a.saved.median)[0];
  const baseline = `${rule.baseline} (${rule.why})`;
  if (best === undefined) return `Only the baseline, ${baseline}, ran: nothing to compare.`;
  if (best.saved.median <= 0) return `No policy has fewer ${rule.phrase} than ${baseline}.`;
  const p = best.percent;
  const range = p.min === p.max ? "" : `, ${formatNumber(p.min)} to ${formatNumber(p.max)} % over seeds`;
  return `${best.policy} saves the most: ${formatNumber(best.saved.median)} fewer ${rule.phrase} than ${baseline}, ${formatNumber(p.median)} % (median${range}).`;
}

/** The terminal's rendering: each section titled, the cell note last. */
export function sectionsText(s: ReportSections): string {
  const parts: string[] = [];
  if (s.saving) {
    parts.push(s.saving.table ? `${s.saving.lead}\n\n${textTable(s.saving.table)}` : s.saving.lead);
  }
  parts.push(`Results\n${textTable(s.results)}`);
  if (s.isolation) parts.push(`Isolation\n${textTable(s.isolation)}`);
  if (s.perTier) parts.push(`Per tier\n${textTable(s.perTier)}`);
  parts.push(s.note);
  return parts.join("\n\n");
}
