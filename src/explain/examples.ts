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
  const examples = examplesDir();
  if (examples === null) return null;
  return {
    dir: examples,
    pod: join(examples, "pod.yaml"),
    nodes: join(examples, "nodes.yaml"),
    podsOnNodes: join(examples, "pods-on-nodes.yaml"),
    demand: join(examples, "demand.json"),
  };
}

/** One example per source of GPU devices, in config/examples/devices/<name>/. */
export const DEVICE_EXAMPLES = ["dra", "gfd-replicas", "mig", "passthrough"] as const;

export interface DeviceExampleFiles {
  readonly dir: string;
  readonly pod: string;
  readonly nodes: string;
  readonly podsOnNodes?: string;
  readonly resourceSlices?: string;
  readonly resourceClaims?: string;
}

/** The files of device example `name` that exist, or null for an unknown name. */
export function deviceExample(name: string): DeviceExampleFiles | null {
  const root = examplesDir();
  if (root === null || !(DEVICE_EXAMPLES as readonly string[]).includes(name)) return null;
  const dir = join(root, "devices", name);
  const optional = (file: string) => (existsSync(join(dir, file)) ? join(dir, file) : undefined);
  return {
    dir,
    pod: join(dir, "pod.yaml"),
    nodes: join(dir, "nodes.yaml"),
    podsOnNodes: optional("pods-on-nodes.yaml"),
    resourceSlices: optional("resource-slices.yaml"),
    resourceClaims: optional("resource-claims.yaml"),
  };
}

function examplesDir(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 6; up++) {
    const examples = join(dir, "config", "examples");
    if (existsSync(join(examples, "pod.yaml"))) return examples;
    dir = dirname(dir);
  }
  return null;
}
