/**
 * Prometheus text exposition → flat samples, with the parse-prometheus-text-format library (a
 * port of the Prometheus Python client's parser: escapes, timestamps, HELP/TYPE). Histograms and
 * summaries are dropped: the bridge reads none, and the library folds their label sets together.
 */
import parsePrometheusTextFormat from "parse-prometheus-text-format";

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The scraped text breaks the exposition format: the whole scrape is skipped. */
export class MalformedExpositionError extends Error {
  override readonly name = "MalformedExpositionError";
}

const SKIPPED_TYPES = new Set(["HISTOGRAM", "SUMMARY"]);
const SPECIAL_VALUES: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  "+Inf": Number.POSITIVE_INFINITY,
  Inf: Number.POSITIVE_INFINITY,
  "-Inf": Number.NEGATIVE_INFINITY,
};

/** A sample value as the format allows it; null for anything else (Number("") would be 0). */
export function parseSampleValue(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const text = raw.trim();
  if (text === "") return null;
  if (text in SPECIAL_VALUES) return SPECIAL_VALUES[text];
  const v = Number(text);
  return Number.isNaN(v) ? null : v;
}

export function parseExposition(text: string): Sample[] {
  let families: parsePrometheusTextFormat.MetricFamily[];
  try {
    families = parsePrometheusTextFormat(text);
  } catch (err) {
    throw new MalformedExpositionError((err as Error).message);
  }
  const samples: Sample[] = [];
  for (const family of families) {
    if (SKIPPED_TYPES.has(family.type)) continue;
    for (const m of family.metrics) {
      const value = parseSampleValue(m.value);
      // A line the library accepted but whose value is no number (an HTML page, a truncated body).
      if (value === null)
        throw new MalformedExpositionError(`${family.name}: value "${m.value ?? ""}" is not a number`);
      samples.push({ name: family.name, labels: m.labels ?? {}, value });
    }
  }
  return samples;
}
