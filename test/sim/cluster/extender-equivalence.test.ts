/**
 * The simulator and the extender choose the same node for the same state. One cluster is built
 * twice: as realistic v1 Node objects read by nodeViewFromV1 into the extender's ledger, and as
 * the simulator's node-group views. The same pods (v1 Pods read by podRequestFromV1, and the
 * simulator's own requests) go through the extender's path — candidates by name from the ledger,
 * decide(), then bind's allocationFor + assign — and through SimCluster.place. Winners and device
 * assignments must match pod after pod, departures included.
 */
import { describe, expect, it } from "vitest";
import { type NodeGroup, poolNodeViews } from "../../../sim/cluster/node-pool.js";
import { SimCluster } from "../../../sim/cluster/sim-cluster.js";
import { replicaPodRequest, syntheticPodRequest } from "../../../sim/cluster/sim-pods.js";
import { Random } from "../../../sim/random.js";
import type { SyntheticPod } from "../../../sim/workloads/synthetic.js";
import { AllocationLedger } from "../../../src/cluster/ledger.js";
import { nodeViewFromV1 } from "../../../src/cluster/node-view.js";
import { podRequestFromV1 } from "../../../src/cluster/pod-request.js";
import type { PodRequest } from "../../../src/cluster/types.js";
import { defaultConfig } from "../../../src/config/load.js";
import { candidatesByName } from "../../../src/extender/candidates.js";
import { makeContext } from "../../../src/scoring/context.js";
import { allocationFor, decide } from "../../../src/scoring/runner.js";
import { v1Node, v1Pod } from "../../support/kube-objects.js";

const config = defaultConfig();
const TIERS = ["shared-kernel", "sandboxed", "hypervisor"] as const;

const groups: NodeGroup[] = [
  {
    name: "runc",
    count: 3,
    gpus: 8,
    product: "NVIDIA-A100-SXM4-80GB",
    tier: "shared-kernel",
    cpu: 96,
    memoryGiB: 1024,
    pods: 110,
  },
  { name: "l4", count: 2, gpus: 4, product: "NVIDIA-L4", tier: "shared-kernel", cpu: 48, memoryGiB: 192, pods: 110 },
  {
    name: "gvisor",
    count: 2,
    gpus: 8,
    product: "NVIDIA-A100-SXM4-80GB",
    tier: "sandboxed",
    cpu: 96,
    memoryGiB: 1024,
    pods: 110,
  },
  {
    name: "kata",
    count: 2,
    gpus: 8,
    product: "NVIDIA-H100-80GB-HBM3",
    tier: "hypervisor",
    cpu: 128,
    memoryGiB: 2048,
    pods: 110,
  },
];

/** The same nodes as kube-apiserver would return them. */
function v1Nodes() {
  return groups.flatMap((g) =>
    Array.from({ length: g.count }, (_, i) =>
      v1Node({
        name: `${g.name}-${String(i).padStart(3, "0")}`,
        gpus: g.gpus,
        product: g.product,
        tier: g.tier,
        cpu: String(g.cpu),
        memory: `${g.memoryGiB}Gi`,
        pods: String(g.pods),
      }),
    ),
  );
}

interface TwinPod {
  readonly sim: PodRequest;
  readonly ext: PodRequest;
}

/** The RuntimeClass a simulated pod of this tier runs in (sim-pods.ts): the tier's first. */
function runtimeClassOf(tier: string): string {
  return config.tiers.find((t) => t.name === tier)!.runtimeClasses[0];
}

/**
 * A mix of shared, whole and multi-GPU batch pods and memory-sized inference replicas, of several
 * tenants and tiers, each running in its tier's RuntimeClass.
 */
function twinPods(count: number): TwinPod[] {
  const rng = Random.stream(11, "extender-equivalence");
  const pods: TwinPod[] = [];
  for (let n = 0; n < count; n++) {
    const tenant = `tenant-${rng.int(4)}`;
    const tier = TIERS[rng.int(3)];
    if (rng.int(4) === 0) {
      const mib = 8192 * (1 + rng.int(6));
      const sim = replicaPodRequest(
        {
          service: `svc${n}`,
          ordinal: 0,
          gpuMemoryMiB: mib,
          tier,
          tenant,
          cpu: 8,
          memoryGiB: 64,
          gpuProducts: [],
          workloadClass: "default",
        },
        config,
      );
      const ext = v1Pod({
        name: `svc${n}-0`,
        namespace: tenant,
        tenant,
        tier,
        runtimeClassName: runtimeClassOf(tier),
        model: `svc${n}`,
        gpus: 1,
        gpuMemory: `${mib}Mi`,
        cpu: "8",
        memory: "64Gi",
      });
      pods.push({ sim, ext: podRequestFromV1(ext, config) });
      continue;
    }
    const [gpuCount, gpuMilli] = [
      [1, 250],
      [1, 500],
      [1, 1000],
      [2, 1000],
      [4, 1000],
    ][rng.int(5)];
    const gpus = (gpuCount * gpuMilli) / 1000;
    const synthetic: SyntheticPod = {
      name: `synthetic-${n}`,
      arrivalTime: n,
      durationSeconds: 1,
      departureTime: n + 1,
      gpuCount,
      gpuMilli,
      tier,
      tenant,
      milliCpu: gpus * 8000,
      memoryMiB: gpus * 32768,
      batch: n,
    };
    const ext = v1Pod({
      name: synthetic.name,
      namespace: tenant,
      tenant,
      tier,
      runtimeClassName: runtimeClassOf(tier),
      gpus: gpuCount,
      ...(gpuMilli < 1000 ? { gpuFraction: String(gpuMilli / 1000) } : {}),
      cpu: `${synthetic.milliCpu}m`,
      memory: `${synthetic.memoryMiB}Mi`,
    });
    pods.push({ sim: syntheticPodRequest(synthetic, config), ext: podRequestFromV1(ext, config) });
  }
  return pods;
}

describe("simulator and extender", () => {
  it("read the same nodes into the same views", () => {
    const fromKube = v1Nodes().map((n) => nodeViewFromV1(n, config));
    const fromSim = poolNodeViews(groups, config);
    const byName = new Map(fromKube.map((v) => [v.name, v]));
    expect(fromSim.map((v) => v.name).sort()).toEqual([...byName.keys()].sort());
    for (const sim of fromSim) {
      const kube = byName.get(sim.name)!;
      expect(sim.allocatable).toEqual(kube.allocatable);
      expect(sim.gpus).toEqual(kube.gpus);
      expect([sim.tier, sim.tierSource]).toEqual([kube.tier, kube.tierSource]);
    }
  });

  it("read the same pods into the same requests", () => {
    for (const { sim, ext } of twinPods(40)) {
      const { uid: _a, workloadClass: _b, ...simCore } = sim;
      const { uid: _c, workloadClass: _d, ...extCore } = ext;
      expect({ ...simCore, tierSource: "" }).toEqual({ ...extCore, tierSource: "" });
    }
  });

  it("pick the same node and devices for every pod, through arrivals and departures", () => {
    const ledger = new AllocationLedger();
    for (const node of v1Nodes()) ledger.upsertNode(nodeViewFromV1(node, config));
    // kube-scheduler lists candidates in its own order; the core's answer must not depend on it.
    const names = Random.stream(3, "names").shuffle(ledger.nodes().map((n) => n.view.name));
    const ctx = makeContext(config, { now: 0 });
    const sim = new SimCluster(poolNodeViews(groups, config), ctx);

    const placed: string[] = [];
    let compared = 0;
    let unplaceable = 0;
    for (const [i, pod] of twinPods(160).entries()) {
      // Every third step, the oldest running pod leaves on both sides.
      if (i % 3 === 2 && placed.length > 0) {
        const key = placed.shift()!;
        expect(ledger.release(key)).toBeDefined();
        expect(sim.release(key)).toBeDefined();
      }
      const decision = decide(pod.ext, candidatesByName(names, ledger).states, ctx);
      const placement = sim.place(pod.sim);
      expect(placement?.node ?? null, `pod ${pod.sim.key}`).toBe(decision.winner);
      if (decision.winner === null) {
        unplaceable++;
        continue;
      }
      const bound = allocationFor(pod.ext, ledger.node(decision.winner)!, ctx);
      if ("reason" in bound) throw new Error(bound.reason);
      expect(ledger.assign(bound)).toBeNull();
      expect(placement!.allocation.devices).toEqual(bound.devices);
      placed.push(pod.sim.key);
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
    expect(unplaceable).toBeGreaterThan(0); // the cluster fills up: "no node" must agree too
    expect(sim.isolationViolations).toBe(0);
  });
});
