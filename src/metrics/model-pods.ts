/**
 * `tierfit demand show --pods FILE`: which pods each model's live demand applies to. A pod
 * serves the model its `tierfit.io/model` annotation names, else its label through
 * `demand.modelAliases` (src/cluster/pod-model.ts); demand is keyed by the server's model name.
 * Pods whose model has no demand entry are listed apart: that is where names fail to link.
 */
import type { V1Pod } from "@kubernetes/client-node";
import { podModel } from "../cluster/pod-model.js";
import type { TierfitConfig } from "../config/schema.js";
import type { DemandSnapshot } from "../scoring/demand-snapshot.js";
import { textTable } from "./text-table.js";

export interface ModelPods {
  /** Model (as demand names it) → `namespace/name` of its pods; every model in the snapshot. */
  readonly linked: Readonly<Record<string, readonly string[]>>;
  /** Models pods name that have no demand entry → those pods. */
  readonly withoutDemand: Readonly<Record<string, readonly string[]>>;
}

export function modelPods(pods: readonly V1Pod[], snapshot: DemandSnapshot, config: TierfitConfig): ModelPods {
  const byModel = new Map<string, string[]>();
  for (const pod of pods) {
    const meta = pod.metadata ?? {};
    const model = podModel(meta.labels ?? {}, meta.annotations ?? {}, config);
    if (model === null) continue;
    const keys = byModel.get(model) ?? [];
    keys.push(`${meta.namespace || "default"}/${meta.name ?? "?"}`);
    byModel.set(model, keys);
  }
  const linked: Record<string, string[]> = {};
  for (const model of [...snapshot.models.keys()].sort()) linked[model] = (byModel.get(model) ?? []).sort();
  const withoutDemand: Record<string, string[]> = {};
  for (const model of [...byModel.keys()].sort()) {
    if (!snapshot.models.has(model)) withoutDemand[model] = (byModel.get(model) ?? []).sort();
  }
  return { linked, withoutDemand };
}

export function formatModelPods(m: ModelPods): string {
  const rows = [
    ...Object.entries(m.linked).map(([model, pods]) => [model, "yes", pods.length > 0 ? pods.join(", ") : "-"]),
    ...Object.entries(m.withoutDemand).map(([model, pods]) => [model, "NO", pods.join(", ")]),
  ];
  return `\nPods per model:\n${textTable(["MODEL", "DEMAND", "PODS"], rows)}\n`;
}
