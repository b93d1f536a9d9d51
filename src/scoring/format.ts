/** Numbers as rejection reasons print them: short, in the unit a person would use. */

/** Cores from thousandths: 4000 → "4", 2500 → "2.5", 250 → "0.25". */
export function formatCpu(milliCpu: number): string {
  return String(Math.round(milliCpu) / 1000);
}

/** "8 GiB", "1.5 TiB", "512 MiB": at most one decimal. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let i = 0;
  while (Math.abs(value) >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  const r = Math.round(value * 10) / 10;
  return `${Number.isInteger(r) ? r : r.toFixed(1)} ${units[i]}`;
}

/** "1 GPU", "3 GPUs". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
