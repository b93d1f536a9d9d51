/**
 * Tenant identity: the namespace, narrowed by the tierfit.io/tenant label only where the
 * operator allows it, and then only within the namespace. The extender and `tierfit explain`
 * read it through the same podRequestFromV1, so they agree; a pod cannot talk its way onto
 * another tenant's GPU.
 */
import { describe, expect, it } from "vitest";
import { podTenant } from "../../src/cluster/tenant.js";
import { defaultConfig, parseConfig } from "../../src/config/load.js";
import { explainPlacement } from "../../src/explain/explain.js";
import { EMPTY_DEMAND } from "../../src/scoring/demand-snapshot.js";
import { makeHarness, occupy } from "../extender/harness.js";
import { gpuNode, gpuPod } from "../extender/objects.js";
import { v1Node, v1Pod } from "../support/kube-objects.js";

const NARROWING = parseConfig("tenancy:\n  labelNarrowsIn: [research, ml-*]\n", "test config");
const label = (tenant: string) => ({ "tierfit.io/tenant": tenant });

describe("podTenant", () => {
  it.each([
    ["no label: the namespace", "team-b", {}, defaultConfig(), "team-b"],
    ["a label claiming another tenant, not allowed: ignored", "intruder", label("team-b"), defaultConfig(), "intruder"],
    [
      "a label claiming another tenant in an allowed namespace: stays inside it",
      "research",
      label("team-b"),
      NARROWING,
      "research/team-b",
    ],
    ["allowed by a glob", "ml-prod", label("vision"), NARROWING, "ml-prod/vision"],
    ["a namespace the globs do not match", "mlops", label("vision"), NARROWING, "mlops"],
    ["a label naming its own namespace: the namespace", "research", label("research"), NARROWING, "research"],
    ["an empty label: the namespace", "research", label(""), NARROWING, "research"],
  ])("%s", (_what, namespace, labels, config, expected) => {
    expect(podTenant(namespace, labels, config)).toBe(expected);
  });
});

describe("a pod labelled with another namespace's tenant", () => {
  // team-b holds 10 GiB of the only GPU on a shared-kernel node, where tenants never share.
  const intruder = {
    name: "intruder-0",
    namespace: "intruder",
    gpus: 1,
    gpuMemory: "20Gi",
    tier: "shared-kernel",
    tenant: "team-b",
  };
  const SHARING = "holds 1 pod of another tenant";

  it("is kept off that tenant's GPU by the extender, allowed to narrow or not", async () => {
    for (const config of [defaultConfig(), parseConfig('tenancy:\n  labelNarrowsIn: ["*"]\n', "test config")]) {
      const h = makeHarness({ config, nodes: [gpuNode({ name: "node-a", gpus: 1, tier: "shared-kernel" })] });
      occupy(h, "team-b/holder", "node-a", [{ index: 0, gib: 10 }], "team-b", 0);
      const res = await h.post("filter", { Pod: gpuPod(intruder), NodeNames: ["node-a"] });
      expect(res.json).toMatchObject({ NodeNames: [], FailedNodes: { "node-a": expect.stringContaining(SHARING) } });
      const own = await h.post("filter", {
        Pod: gpuPod({ ...intruder, name: "member-0", namespace: "team-b", tenant: undefined }),
        NodeNames: ["node-a"],
      });
      expect(own.json).toMatchObject({ NodeNames: ["node-a"] });
    }
  });

  it("is kept off it by `tierfit explain` alike", () => {
    const holder = v1Pod({
      name: "holder",
      namespace: "team-b",
      gpus: 1,
      gpuMemory: "10Gi",
      nodeName: "node-a",
      annotations: { "tierfit.io/gpu-devices": '{"0":10240}' },
    });
    const explain = (namespace: string) =>
      explainPlacement({
        config: defaultConfig(),
        pod: v1Pod({ ...intruder, namespace }),
        nodes: [v1Node({ name: "node-a", gpus: 1, tier: "shared-kernel" })],
        podsOnNodes: [holder],
        demand: EMPTY_DEMAND,
      });
    const refused = explain("intruder").explanation;
    expect(refused.request.tenant).toBe("intruder");
    expect(refused.winner).toBeNull();
    expect(refused.nodes[0].reason).toContain(SHARING);
    expect(explain("team-b").explanation.winner).toBe("node-a");
  });
});
