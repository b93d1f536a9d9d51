/**
 * A rerun into a report folder must not leave the last run's files beside its own (a series of
 * a policy no longer run would read as current). Each report lists what it wrote in a manifest;
 * the next removes what the last one wrote and it did not. Files tierfit did not write stay.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

export const MANIFEST = ".tierfit-report.json";

/** Removes the files the previous report in `dir` wrote that `written` does not include; records `written`. */
export function replaceStaleOutputs(dir: string, written: readonly string[]): string[] {
  const names = written.map((f) => basename(f));
  const stale = previousOutputs(dir).filter((name) => !names.includes(name));
  for (const name of stale) rmSync(join(dir, name), { force: true });
  writeFileSync(join(dir, MANIFEST), `${JSON.stringify({ files: names }, null, 2)}\n`);
  return stale;
}

/** The previous manifest's file names; only plain names, so a tampered one cannot reach outside `dir`. */
function previousOutputs(dir: string): string[] {
  let files: unknown;
  try {
    files = (JSON.parse(readFileSync(join(dir, MANIFEST), "utf8")) as { files?: unknown }).files;
  } catch {
    return [];
  }
  if (!Array.isArray(files)) return [];
  return files.filter(
    (f): f is string => typeof f === "string" && f === basename(f) && f !== MANIFEST && !f.startsWith(".."),
  );
}
