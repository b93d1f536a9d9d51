/**
 * The ledger feed without any I/O: what node and pod events, relists and tierfit's own
 * reservations do to a real AllocationLedger, on a clock the test moves.
 */
import type { V1Pod } from "@kubernetes/client-node";
import { beforeEach, describe, expect, it } from "vitest";
import { GPU_DEVICES_ANNOTATION } from "../../../src/cluster/device-annotation.js";
import { AllocationLedger } from "../../../src/cluster/ledger.js";
import type { Allocation } from "../../../src/cluster/types.js";
import { defaultConfig } from "../../../src/config/load.js";
import { LedgerFeed } from "../../../src/extender/kube/ledger-feed.js";
import { Reservations } from "../../../src/extender/kube/reservations.js";
import { v1Node, v1Pod } from "../../support/kube-objects.js";
import { collectingLogger, held, type LogLine } from "./support.js";

const TTL = 120_000;
const A100 = 81920_000; // units of one 80 GiB device

const config = defaultConfig();
let now = 1_700_000_000_000;
let ledger: AllocationLedger;
let reservations: Reservations;
let feed: LedgerFeed;
let lines: LogLine[];

beforeEach(() => {
  const logs = collectingLogger();
  lines = logs.lines;
  ledger = new AllocationLedger();
  reservations = new Reservations();
  feed = new LedgerFeed({
    ledger,
    config: () => config,
    reservations,
    logger: logs.logger,
    clock: () => now,
    reservationTtlMs: TTL,
  });
  feed.listNodes([v1Node({ name: "gpu-a", gpus: 2 }), v1Node({ name: "gpu-b", gpus: 2 })]);
});

function pod(
  name: string,
  opts: { node?: string; devices?: Record<string, number>; uid?: string; gpus?: number } = {},
) {
  const annotations = opts.devices ? { [GPU_DEVICES_ANNOTATION]: JSON.stringify(opts.devices) } : undefined;
  return v1Pod({
    name,
    namespace: "ml",
    gpus: opts.gpus ?? (opts.devices ? Object.keys(opts.devices).length : 1),
    nodeName: opts.node,
    uid: opts.uid,
    annotations,
  });
}

/** What the extender's bind does before calling the binder: assign, then reserve. */
function bindByTierfit(p: V1Pod, node: string, devices: Allocation["devices"]) {
  const key = `ml/${p.metadata!.name}`;
  const rejection = ledger.assign({
    podKey: key,
    node,
    tenant: "",
    sharingTier: 0,
    milliCpu: 1000,
    memoryBytes: 4 * 1024 ** 3,
    devices,
  });
  expect(rejection).toBeNull();
  reservations.reserve(key, p.metadata!.uid!, now);
}

const free = (node: string) => ledger.node(node)!.devices.map((d) => d.freeUnits);
const warnings = (text: string) => lines.filter((l) => l.level === 40 && l.msg.includes(text));

describe("LedgerFeed", () => {
  it("keeps a reservation across relists until the pod shows up bound, then counts it once", () => {
    const other = pod("other", { node: "gpu-a", devices: { 1: 40960 } });
    feed.listPods([other]);
    const fresh = pod("fresh");
    bindByTierfit(fresh, "gpu-a", [{ index: 0, units: A100 }]);

    feed.listPods([other]); // a relist that does not show the binding yet
    now += 60_000;
    feed.listPods([other]);
    expect(held(ledger).map((h) => h.podKey)).toEqual(["ml/fresh", "ml/other"]);
    expect(free("gpu-a")).toEqual([0, A100 / 2]);

    const bound = pod("fresh", { node: "gpu-a", devices: { 0: 81920 } });
    feed.upsertPod(bound); // the watch sees the binding
    expect(reservations.size).toBe(0);
    expect(free("gpu-a")).toEqual([0, A100 / 2]);
    expect(ledger.node("gpu-a")!.requested.pods).toBe(2);

    now += TTL * 5; // long after the TTL: the pod is now an ordinary listed pod
    feed.listPods([other, bound]);
    expect(held(ledger)).toEqual([
      { podKey: "ml/fresh", node: "gpu-a", devices: [{ index: 0, units: A100 }] },
      { podKey: "ml/other", node: "gpu-a", devices: [{ index: 1, units: A100 / 2 }] },
    ]);
    expect(ledger.conflicts()).toEqual([]);
  });

  it("releases a reservation that never showed up once its TTL has passed", () => {
    bindByTierfit(pod("lost"), "gpu-b", [{ index: 1, units: A100 }]);
    now += TTL - 1;
    feed.listPods([]);
    expect(free("gpu-b")).toEqual([A100, 0]);
    now += 1;
    feed.listPods([]);
    expect(free("gpu-b")).toEqual([A100, A100]);
    expect(reservations.size).toBe(0);
    expect(warnings("reservation for pod ml/lost expired")).toHaveLength(1);
  });

  it("ignores a late DELETED for an older pod of the same name while the new one is reserved", () => {
    const old = pod("db-0", { node: "gpu-a", devices: { 0: 81920 }, uid: "uid-old" });
    feed.listPods([old]);
    feed.deletePod(old);
    const replacement = pod("db-0", { uid: "uid-new" });
    bindByTierfit(replacement, "gpu-a", [{ index: 1, units: A100 }]);

    feed.deletePod(old); // delivered twice, or late: about uid-old
    feed.upsertPod({ ...old, status: { ...old.status, phase: "Failed" } });
    expect(held(ledger).map((h) => h.podKey)).toEqual(["ml/db-0"]);
    expect(free("gpu-a")).toEqual([A100, 0]);

    feed.deletePod(pod("db-0", { node: "gpu-a", devices: { 1: 81920 }, uid: "uid-new" }));
    expect(held(ledger)).toEqual([]);
    expect(reservations.size).toBe(0);
  });

  it("guesses the devices of a GPU pod placed without tierfit, logs it once and keeps the guess", () => {
    feed.listPods([pod("mine", { node: "gpu-a", devices: { 0: 81920 } })]);
    const foreign = pod("foreign", { node: "gpu-a", gpus: 1 });
    feed.upsertPod(foreign);
    expect(ledger.allocation("ml/foreign")!.devices).toEqual([{ index: 1, units: A100 }]);
    feed.upsertPod({ ...foreign, metadata: { ...foreign.metadata, labels: { app: "relabelled" } } });
    feed.listPods([pod("mine", { node: "gpu-a", devices: { 0: 81920 } }), foreign]);
    expect(ledger.allocation("ml/foreign")!.devices).toEqual([{ index: 1, units: A100 }]);
    const guesses = warnings("without a tierfit.io/gpu-devices annotation");
    expect(guesses).toHaveLength(1);
    expect(guesses[0].msg).toContain("counting it on devices 1 as a best guess");
    expect(ledger.conflicts()).toEqual([]);
  });

  it("never trusts a device annotation over the pod's request or the node: a 1-GPU pod listing 7 devices counts as 1", () => {
    feed.upsertNode(v1Node({ name: "gpu-8", gpus: 8 }));
    const greedy = pod("greedy", { node: "gpu-8", gpus: 1 });
    const seven = Object.fromEntries([0, 1, 2, 3, 4, 5, 6].map((i) => [String(i), 81920]));
    greedy.metadata!.annotations = { [GPU_DEVICES_ANNOTATION]: JSON.stringify(seven) };
    feed.upsertPod(greedy);
    expect(ledger.allocation("ml/greedy")!.devices).toHaveLength(1);
    expect(free("gpu-8").filter((f) => f === 0)).toHaveLength(1);
    expect(warnings("lists 7 devices, but the pod requests 1 GPU; not trusted")).toHaveLength(1);

    // A device the node does not have, or more memory than a device holds: not trusted either.
    const phantom = pod("phantom", { node: "gpu-a", devices: { 5: 81920 } });
    const huge = pod("huge", { node: "gpu-b", devices: { 0: 999_999 } });
    feed.upsertPod(phantom);
    feed.upsertPod(huge);
    expect(ledger.allocation("ml/phantom")!.devices.map((d) => d.index)).not.toContain(5);
    expect(ledger.allocation("ml/huge")!.devices).toEqual([{ index: 0, units: A100 }]);
    expect(warnings("names device 5, which node gpu-a does not have (it has 2)")).toHaveLength(1);
    expect(warnings("holds more memory on device 0 than it has")).toHaveLength(1);
    expect(ledger.conflicts()).toEqual([]);
  });

  it("ignores the device annotation of a pod that is not bound", () => {
    const pending = pod("pending", { devices: { 0: 81920, 1: 81920 } });
    feed.listPods([pending]);
    feed.upsertPod(pending);
    expect(held(ledger)).toEqual([]);
    expect(free("gpu-a")).toEqual([A100, A100]);
  });

  it("restores annotated pods before guessing, so a guess never takes a device an annotation names", () => {
    const guessed = pod("aaa-unannotated", { node: "gpu-b", gpus: 1 });
    const annotated = pod("zzz-annotated", { node: "gpu-b", devices: { 0: 81920 } });
    feed.listPods([guessed, annotated]);
    expect(ledger.allocation("ml/aaa-unannotated")!.devices).toEqual([{ index: 1, units: A100 }]);
    expect(ledger.conflicts()).toEqual([]);
  });

  it("holds pods on a node it does not know yet and counts them when the node arrives", () => {
    feed.listPods([pod("annotated", { node: "gpu-new", devices: { 2: 81920 } }), pod("guess", { node: "gpu-new" })]);
    expect(ledger.node("gpu-new")).toBeUndefined();
    feed.upsertNode(v1Node({ name: "gpu-new", gpus: 4 }));
    expect(free("gpu-new")).toEqual([0, A100, 0, A100]);
    expect(ledger.allocation("ml/guess")!.devices).toEqual([{ index: 0, units: A100 }]);
  });

  it("skips a node or a pod it cannot read, logs why, and keeps the rest", () => {
    const broken = v1Node({ name: "gpu-bad", gpus: 1 });
    broken.metadata!.labels = { ...broken.metadata!.labels, team: 7 as unknown as string };
    feed.listNodes([broken, v1Node({ name: "gpu-a", gpus: 2 })]);
    expect(ledger.nodes().map((n) => n.view.name)).toEqual(["gpu-a"]);
    expect(warnings("node gpu-bad skipped")).toHaveLength(1);

    const badPod = v1Pod({ name: "bad", namespace: "ml", gpus: 1, nodeName: "gpu-a", gpuMemory: "lots" });
    feed.listPods([badPod, pod("good", { node: "gpu-a", devices: { 1: 81920 } })]);
    expect(held(ledger).map((h) => h.podKey)).toEqual(["ml/good"]);
    expect(warnings("pod ml/bad not counted")).toHaveLength(1);
  });
});
