/**
 * Strict reading of the simple CSVs the traces use (comma-separated, no quoting, one header
 * line). Nothing is dropped silently: a wrong header, a short or long row or a field that does
 * not parse is a TierfitError naming the file, the line and the column, and showing the text.
 */
import { TierfitError } from "../../src/errors.js";

/** One data row: its cells and where it came from, for error messages. */
export interface CsvRow {
  readonly cells: readonly string[];
  /** 1-based line number in the file (the header is line 1). */
  readonly line: number;
}

/** Splits `text` into rows after checking the header is exactly one of `headers`. */
export function readCsvRows(
  text: string,
  file: string,
  headers: readonly (readonly string[])[],
): { header: readonly string[]; rows: CsvRow[] } {
  const lines = text.split("\n");
  // Trailing newlines leave empty strings at the end; those are not rows.
  while (lines.length > 0 && stripCr(lines[lines.length - 1]) === "") lines.pop();
  if (lines.length === 0) throw new TierfitError("TF_ERR_INPUT", `${file}: the file is empty; expected a header line`);
  const headerLine = stripCr(lines[0]).replace(/^\uFEFF/, "");
  const header = headerLine.split(",");
  const expected = headers.find((h) => h.length === header.length && h.every((name, i) => name === header[i]));
  if (expected === undefined) {
    const wanted = headers.map((h) => h.join(",")).join('" or "');
    throw new TierfitError("TF_ERR_INPUT", `${file}:1: header: expected columns "${wanted}", found "${headerLine}"`);
  }
  const rows: CsvRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = i + 1;
    const raw = stripCr(lines[i]);
    if (raw === "") throw new TierfitError("TF_ERR_INPUT", `${file}:${line}: empty line inside the data`);
    if (raw.includes('"')) {
      throw new TierfitError(
        "TF_ERR_INPUT",
        `${file}:${line}: quoted fields are not supported, found ${JSON.stringify(raw)}`,
      );
    }
    const cells = raw.split(",");
    if (cells.length !== expected.length) {
      throw new TierfitError(
        "TF_ERR_INPUT",
        `${file}:${line}: expected ${expected.length} columns (${expected.join(",")}), found ${cells.length}`,
      );
    }
    rows.push({ cells, line });
  }
  return { header: expected, rows };
}

/** Builds field readers that report `file:line: column name: …`. */
export class FieldReader {
  constructor(
    private readonly file: string,
    private readonly header: readonly string[],
  ) {}

  private cell(row: CsvRow, column: string): string {
    const index = this.header.indexOf(column);
    if (index < 0) throw new Error(`column ${column} is not in this file's header`);
    return row.cells[index];
  }

  fail(row: CsvRow, column: string, expected: string): never {
    const found = this.cell(row, column);
    throw new TierfitError(
      "TF_ERR_INPUT",
      `${this.file}:${row.line}: column ${column}: expected ${expected}, found ${JSON.stringify(found)}`,
    );
  }

  /** A whole number in [min, max]. */
  integer(row: CsvRow, column: string, min: number, max: number): number {
    const text = this.cell(row, column);
    const value = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      this.fail(row, column, `an integer ${max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `${min}..${max}`}`);
    }
    return value;
  }

  /** Like integer(), but an empty cell is null. */
  optionalInteger(row: CsvRow, column: string, min: number, max: number): number | null {
    return this.cell(row, column) === "" ? null : this.integer(row, column, min, max);
  }

  /** Any non-empty text. */
  text(row: CsvRow, column: string): string {
    const value = this.cell(row, column);
    if (value.trim() === "") this.fail(row, column, "a non-empty value");
    return value;
  }

  /** Possibly empty text, as is. */
  raw(row: CsvRow, column: string): string {
    return this.cell(row, column);
  }

  /** One of `allowed`. */
  oneOf<T extends string>(row: CsvRow, column: string, allowed: readonly T[]): T {
    const value = this.cell(row, column);
    if (!(allowed as readonly string[]).includes(value)) this.fail(row, column, `one of ${allowed.join(", ")}`);
    return value as T;
  }
}

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
