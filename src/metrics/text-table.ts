/** Plain-text tables for the CLI: columns padded to their widest cell, two spaces apart. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** A number for a table cell, or "-" when unknown. */
export function cell(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "-";
  return Number.isInteger(v) ? String(v) : v.toFixed(digits);
}

export function percentCell(v: number | null | undefined): string {
  return v === null || v === undefined ? "-" : `${Math.round(v * 100)}%`;
}
