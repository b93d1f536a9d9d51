/** The one place workloads touch the file system: read a trace file, or say clearly why not. */
import { readFileSync } from "node:fs";
import { TierfitError } from "../../src/errors.js";

export function readTraceText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message;
    throw new TierfitError("TF_ERR_INPUT", `${path}: cannot read the trace file (${reason})`);
  }
}
