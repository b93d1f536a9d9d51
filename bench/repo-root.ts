/** The package root, found upwards from a module: sources (bench/) and the build (dist/bench/) nest differently. */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function repoRoot(moduleUrl: string): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  while (!existsSync(join(dir, "config", "scenarios", "openb-fgd.yaml"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find config/scenarios/openb-fgd.yaml above ${moduleUrl}`);
    dir = parent;
  }
  return dir;
}
