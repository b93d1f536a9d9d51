/** Where the shipped examples live, found from this module so it works from src/ (tsx) and dist/. */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface ExampleFiles {
  readonly dir: string;
  readonly pod: string;
  readonly nodes: string;
  readonly podsOnNodes: string;
  readonly demand: string;
}

/** The package's config/examples files, or null when they are not installed beside the code. */
export function shippedExamples(): ExampleFiles | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 6; up++) {
    const examples = join(dir, "config", "examples");
    if (existsSync(join(examples, "pod.yaml"))) {
      return {
        dir: examples,
        pod: join(examples, "pod.yaml"),
        nodes: join(examples, "nodes.yaml"),
        podsOnNodes: join(examples, "pods-on-nodes.yaml"),
        demand: join(examples, "demand.json"),
      };
    }
    dir = dirname(dir);
  }
  return null;
}
