/** Whether an output folder can be written, checked before work that would be lost if it cannot. */
import { accessSync, constants, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { TierfitError } from "../errors.js";

/**
 * Throws a TF_ERR_INPUT naming `flag` unless `dir` is a folder tierfit can write in, or can be
 * created: its nearest existing ancestor is a folder tierfit can write in. Creates nothing.
 */
export function checkWritableDir(dir: string, flag: string): void {
  let probe = resolve(dir);
  for (;;) {
    let isDir: boolean;
    try {
      isDir = statSync(probe).isDirectory();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Missing, or below a file: look at the parent (a file there is reported below).
      if ((code === "ENOENT" || code === "ENOTDIR") && dirname(probe) !== probe) {
        probe = dirname(probe);
        continue;
      }
      throw new TierfitError("TF_ERR_INPUT", `${flag} ${dir}: cannot check ${probe}: ${(err as Error).message}`);
    }
    if (!isDir) throw new TierfitError("TF_ERR_INPUT", `${flag} ${dir}: ${probe} exists and is not a folder`);
    try {
      accessSync(probe, constants.W_OK | constants.X_OK);
    } catch {
      throw new TierfitError("TF_ERR_INPUT", `${flag} ${dir}: no permission to write in ${probe}`);
    }
    return;
  }
}
