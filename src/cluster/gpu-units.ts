/** Converting GPU memory requests to ledger units, and units back to text a person reads. */
import { type GpuMemoryRequest, MEM_UNITS_PER_MIB } from "./types.js";

/** Units a pod needs on one device of `memoryMiB`: exact for shares, rounded up for absolute amounts. */
export function unitsOnDevice(req: GpuMemoryRequest, memoryMiB: number): number {
  return req.kind === "milli" ? req.milli * memoryMiB : Math.ceil(req.mib * MEM_UNITS_PER_MIB);
}

export function unitsToMiB(units: number): number {
  return units / MEM_UNITS_PER_MIB;
}

export function mibToUnits(mib: number): number {
  return Math.round(mib * MEM_UNITS_PER_MIB);
}

/** "40 GiB", "7.4 GiB", "512 MiB": at most one decimal, the unit that reads best. */
export function formatUnits(units: number): string {
  const mib = units / MEM_UNITS_PER_MIB;
  if (mib >= 1024) return `${trim(mib / 1024)} GiB`;
  return `${trim(mib)} MiB`;
}

/** How a request reads in a reason: "20 GiB" or "46% of a GPU". */
export function formatRequest(req: GpuMemoryRequest): string {
  if (req.kind === "mib") return formatUnits(req.mib * MEM_UNITS_PER_MIB);
  return req.milli === 1000 ? "a whole GPU" : `${trim(req.milli / 10)}% of a GPU`;
}

function trim(x: number): string {
  const r = Math.round(x * 10) / 10;
  return Number.isInteger(r) ? String(r) : r.toFixed(1);
}
