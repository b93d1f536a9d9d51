/**
 * Builders for baseline tests: openb-style nodes (one GPU model, GPUs shared in thousandths) in a
 * real AllocationLedger, openb-style pods, and a context per policy.
 */
import { AllocationLedger } from "../../../src/cluster/ledger.js";
import type { NodeView, PodRequest } from "../../../src/cluster/types.js";
import { makeContext } from "../../../src/scoring/context.js";
import type { ScoringPolicy } from "../../../src/scoring/policy.js";
import type { ScoringContext, TypicalPod } from "../../../src/scoring/types.js";
import { testConfig } from "../../support/core-builders.js";

export const config = testConfig();
const MiB = 1024 * 1024;

/** A T4 node as the openb trace has them: `gpus` devices of 15,109 MiB, CPU in thousandths. */
export function openbNode(name: string, milliCpu: number, gpus: number, product = "T4", memoryMiB = 15109): NodeView {
  return {
    name,
    labels: {},
    allocatable: { milliCpu, memoryBytes: 512 * 1024 * MiB, pods: 1000 },
    gpus: Array.from({ length: gpus }, (_, index) => ({ index, product, memoryMiB })),
    tier: 0,
    tierSource: "test",
    unschedulable: false,
  };
}

export interface OpenbPodSpec {
  readonly milliCpu?: number;
  readonly gpuCount?: number;
  readonly gpuMilli?: number;
  readonly products?: readonly string[];
  readonly tenant?: string;
}

export function openbPod(name: string, spec: OpenbPodSpec = {}): PodRequest {
  const gpuCount = spec.gpuCount ?? 0;
  return {
    key: `openb/${name}`,
    namespace: "openb",
    name,
    uid: `uid-${name}`,
    gpuCount,
    gpuMemory: { kind: "milli", milli: gpuCount === 0 ? 1000 : (spec.gpuMilli ?? 1000) },
    resources: { milliCpu: spec.milliCpu ?? 4000, memoryBytes: 8 * 1024 * MiB, pods: 1 },
    tier: 0,
    tierSource: "test",
    sharingTier: 0,
    tenant: spec.tenant ?? "",
    model: null,
    workloadClass: "default",
    gpuProducts: spec.products ?? [],
  };
}

export function ledgerOf(views: readonly NodeView[]): AllocationLedger {
  const ledger = new AllocationLedger();
  for (const v of views) ledger.upsertNode(v);
  return ledger;
}

export function contextFor(policy: ScoringPolicy, workloadMix?: readonly TypicalPod[]): ScoringContext {
  return makeContext(config, { policy, ...(workloadMix ? { workloadMix } : {}) });
}
