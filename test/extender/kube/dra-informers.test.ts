/**
 * Dynamic Resource Allocation through the informers, against the fake API server serving
 * resource.k8s.io/v1 lists and watches: a node's devices come from its ResourceSlices, allocated
 * ResourceClaims fill the ledger per device, and a claim deallocated or deleted gives its memory back.
 */
import { afterEach, describe, expect, it } from "vitest";
import { claimKey } from "../../../src/cluster/dra-claims.js";
import { loadKubeObjects, loadNodes } from "../../../src/cluster/load-objects.js";
import { defaultConfig } from "../../../src/config/load.js";
import { type KubeCluster, startKubeCluster } from "../../../src/extender/kube/index.js";
import { FakeKubeApi } from "../../support/fake-kube-api.js";
import { collectingLogger, waitFor } from "./support.js";

const config = defaultConfig();
const FIXTURES = "test/fixtures/devices";

let api: FakeKubeApi | undefined;
let cluster: KubeCluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  await api?.close();
  cluster = undefined;
  api = undefined;
});

describe("DRA informers", () => {
  it("slices give the node its devices; allocated claims hold their memory, watched as they change", async () => {
    api = await FakeKubeApi.start();
    for (const node of loadNodes(`${FIXTURES}/dra-node.yaml`)) api.putNode(node);
    for (const slice of loadKubeObjects(`${FIXTURES}/dra-resource-slices.yaml`)) api.putResourceSlice(slice);
    const [whole, shared, mig] = loadKubeObjects(`${FIXTURES}/dra-resource-claims.yaml`);
    api.putResourceClaim(whole);
    const { logger } = collectingLogger();
    cluster = await startKubeCluster(() => config, logger, {
      kubeConfig: api.kubeConfig(),
      backoff: { initialMs: 20, maxMs: 200 },
    });
    const ledger = cluster.cache.ledger;
    const units = () => ledger.node("gpu-dra-01")?.devices.map((d) => d.freeUnits / 1000);

    await waitFor(
      "the claim in the ledger",
      () => ledger.allocation(claimKey("research", "trainer-0-gpu-k2m9q")) !== undefined,
    );
    expect(ledger.node("gpu-dra-01")!.view.deviceSource?.kind).toBe("dra");
    expect(units()).toEqual([0, 81559, 40448]);
    // Claims hold devices, not pod slots: their pods count themselves.
    expect(ledger.node("gpu-dra-01")!.requested.pods).toBe(0);

    // Watched: kube-scheduler allocates two more claims, one a 20Gi share of the shared GPU.
    api.putResourceClaim(shared);
    api.putResourceClaim(mig);
    await waitFor("the shared claim", () => units()?.[1] === 81559 - 20480);
    expect(units()).toEqual([0, 61079, 0]);
    expect(ledger.node("gpu-dra-01")!.devices[1].occupants.map((o) => o.tenant)).toEqual(["acme"]);

    // A pod relist (after a broken watch) reconciles pods only: the claims' memory stays held.
    const relists = () => api!.recorded("GET", /^\/api\/v1\/pods$/).filter((r) => r.query.watch === undefined).length;
    const before = relists();
    // The pod informer starts after the DRA ones: its watch may not be open yet to be broken.
    await waitFor("the pod watch", () => api!.watchCount("pods") === 1);
    api.breakWatches("pods");
    await waitFor("the pods relisted", () => relists() > before && cluster!.cache.synced());
    expect(units()).toEqual([0, 61079, 0]);

    // Deallocated (status.allocation cleared), then deleted: the memory comes back.
    api.putResourceClaim({ ...shared, status: {} });
    await waitFor("the shared claim released", () => units()?.[1] === 81559);
    api.deleteResourceClaim("research", "trainer-0-gpu-k2m9q");
    await waitFor("the whole-GPU claim released", () => units()?.[0] === 81559);
    expect(api.recorded("GET", /^\/apis\/resource\.k8s\.io\/v1\/resourceclaims$/).length).toBeGreaterThan(0);
  });

  it("a new slice generation replaces the node's devices", async () => {
    api = await FakeKubeApi.start();
    for (const node of loadNodes(`${FIXTURES}/dra-node.yaml`)) api.putNode(node);
    const { logger } = collectingLogger();
    cluster = await startKubeCluster(() => config, logger, {
      kubeConfig: api.kubeConfig(),
      backoff: { initialMs: 20, maxMs: 200 },
    });
    const ledger = cluster.cache.ledger;
    await waitFor("the node", () => ledger.node("gpu-dra-01") !== undefined);
    expect(ledger.node("gpu-dra-01")!.view.gpus).toHaveLength(0);
    const [slice] = loadKubeObjects(`${FIXTURES}/dra-resource-slices.yaml`);
    api.putResourceSlice(slice);
    await waitFor("the slice's devices", () => ledger.node("gpu-dra-01")!.view.gpus.length === 3);
    const spec = slice.spec as { pool: { generation: number }; devices: unknown[] };
    api.putResourceSlice({
      ...slice,
      spec: { ...spec, pool: { ...spec.pool, generation: 2 }, devices: spec.devices.slice(0, 1) },
    });
    await waitFor("generation 2", () => ledger.node("gpu-dra-01")!.view.gpus.length === 1);
  });
});
