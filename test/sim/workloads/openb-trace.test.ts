/** The real openb lists, checked against the counts in their README and the FGD protocol's known figures. */
import { describe, expect, it } from "vitest";
import { fgdArrivals, gpuCapacityMilli, typicalPods } from "../../../sim/workloads/fgd-protocol.js";
import { loadOpenbNodes, loadOpenbPods, type OpenbPod, podGpuMilli } from "../../../sim/workloads/openb.js";
import { timedEvents } from "../../../sim/workloads/openb-timeline.js";

const DIR = "config/scenarios/data/alibaba-openb";
const pods = loadOpenbPods(`${DIR}/openb_pod_list_default.csv`);
const gpuNodes = loadOpenbNodes(`${DIR}/openb_node_list_gpu_node.csv`);
const demand = (list: readonly OpenbPod[]) => list.reduce((sum, p) => sum + podGpuMilli(p), 0);
const count = (pred: (p: OpenbPod) => boolean) => pods.filter(pred).length;

describe("openb default pod list", () => {
  it("has 8,152 pods asking for 6,086.8 GPUs in all", () => {
    expect(pods.length).toBe(8152);
    expect(demand(pods)).toBe(6_086_800);
  });

  it("has the README's composition", () => {
    expect(count((p) => p.gpuCount === 0)).toBe(1088);
    expect(count((p) => p.gpuCount === 1 && p.gpuMilli < 1000)).toBe(3078);
    expect(count((p) => p.gpuCount === 1 && p.gpuMilli === 1000)).toBe(3911);
    expect([2, 4, 8].map((n) => count((p) => p.gpuCount === n))).toEqual([16, 15, 44]);
    expect(["LS", "BE", "Burstable", "Guaranteed"].map((q) => count((p) => p.qos === q))).toEqual([4647, 3398, 100, 7]);
    expect(count((p) => p.scheduledTime === null)).toBe(897);
    expect(count((p) => p.scheduledTime === null && p.phase !== "Pending")).toBe(0);
    expect(count((p) => p.gpuSpec.length > 0)).toBe(0);
  });
});

describe("openb node lists", () => {
  it("has 1,213 GPU nodes with 6,212 GPUs, and 1,523 nodes in all", () => {
    expect(gpuNodes.length).toBe(1213);
    expect(gpuCapacityMilli(gpuNodes)).toBe(6_212_000);
    const all = loadOpenbNodes(`${DIR}/openb_node_list_all_node.csv`);
    expect(all.length).toBe(1523);
    expect(all.filter((n) => n.gpus === 0).length).toBe(310);
  });
});

describe("FGD protocol on the real trace", () => {
  const arrivals = fgdArrivals(pods, gpuNodes, 42);

  it("inflates seed 42 to 10,800–10,950 arrivals, at most 1.3 × 6,212 GPUs of demand", () => {
    expect(arrivals.length).toBeGreaterThanOrEqual(10_800);
    expect(arrivals.length).toBeLessThanOrEqual(10_950);
    expect(demand(arrivals)).toBeLessThanOrEqual(1.3 * 6_212_000);
    // The loop stops only when a pod's per-GPU share no longer fits, so it ends within 1,000 milli.
    expect(demand(arrivals)).toBeGreaterThan(1.3 * 6_212_000 - 1000);
    expect(new Set(arrivals.map((p) => p.name)).size).toBe(arrivals.length);
    expect(arrivals.slice(0, 8152).every((p) => !p.name.includes("-tuned-"))).toBe(true);
    expect(arrivals.slice(8152).every((p) => p.name.includes("-tuned-"))).toBe(true);
  });

  it("finds about 35 typical shapes covering at least 95 % of the pods", () => {
    const typical = typicalPods(pods);
    expect(typical.length).toBe(35);
    expect(typical.reduce((sum, t) => sum + t.weight, 0)).toBeCloseTo(1, 12);
    // The most frequent shape: 3.152 cores with 810/1000 of one GPU.
    expect(typical[0]).toMatchObject({ milliCpu: 3152, gpuMilli: 810, gpuCount: 1, model: "" });
  });
});

describe("timedEvents", () => {
  it("replays every pod's arrival and departure in time order", () => {
    const events = timedEvents(pods);
    expect(events.length).toBe(2 * 8152);
    expect(events.every((e, i) => i === 0 || events[i - 1].time <= e.time)).toBe(true);
    expect(events[0]).toMatchObject({ time: 0, kind: "arrive" });
    expect(events[0].pod.name).toBe("openb-pod-0000");
  });
});
