/**
 * The policies a simulation can compare, by name, with the line `--help` shows for each: plain
 * data, apart from the registry that builds them, so listing them loads no scoring code.
 */
export const POLICY_NAMES = [
  "kube-default",
  "binpack",
  "random",
  "dotprod",
  "gpu-clustering",
  "gpu-packing",
  "bestfit",
  "fgd",
  "tierfit",
] as const;

export type PolicyName = (typeof POLICY_NAMES)[number];

export const POLICY_DESCRIPTIONS: Readonly<Record<PolicyName, string>> = {
  "kube-default": "kube-scheduler defaults: least-allocated CPU/memory plus balanced allocation (spreads)",
  binpack: "kube-scheduler MostAllocated over CPU, memory and GPUs (packs)",
  random: "FGD paper baseline: a uniformly random feasible node and GPU (seeded)",
  dotprod: "FGD paper baseline: Tetris dot product of free and requested CPU/GPU",
  "gpu-clustering": "FGD paper baseline: keeps pods of one GPU shape together",
  "gpu-packing": "FGD paper baseline: fills partly used GPUs, then used nodes, then idle ones",
  bestfit: "FGD paper baseline: least CPU and GPU left over",
  fgd: "FGD paper: fragmentation gradient descent over the typical pods",
  tierfit:
    "tierfit's own policy (config): isolation tier, live headroom, CPU stranding, consolidation, fragmentation, GPU fit, ranked in that order",
};

export function isPolicyName(name: string): name is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(name);
}

/** "  kube-default    kube-scheduler defaults: …", one line per policy. */
export function describePolicies(): string {
  const width = Math.max(...POLICY_NAMES.map((n) => n.length));
  return POLICY_NAMES.map((n) => `  ${n.padEnd(width)}  ${POLICY_DESCRIPTIONS[n]}`).join("\n");
}
