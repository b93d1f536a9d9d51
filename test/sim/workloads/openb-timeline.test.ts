import { describe, expect, it } from "vitest";
import type { OpenbPod } from "../../../sim/workloads/openb.js";
import { timedEvents } from "../../../sim/workloads/openb-timeline.js";

function pod(name: string, creationTime: number | null, deletionTime: number | null): OpenbPod {
  return {
    name,
    milliCpu: 1000,
    memoryMiB: 1024,
    gpuCount: 1,
    gpuMilli: 1000,
    gpuSpec: [],
    qos: "LS",
    phase: "Running",
    creationTime,
    deletionTime,
    scheduledTime: creationTime,
  };
}

describe("timedEvents", () => {
  it("orders by time and keeps list order (arrival before own departure) on ties", () => {
    const events = timedEvents([pod("a", 0, 10), pod("b", 5, 5), pod("c", 10, null), pod("d", 3, 10)]);
    expect(events.map((e) => `${e.time} ${e.kind} ${e.pod.name}`)).toEqual([
      "0 arrive a",
      "3 arrive d",
      "5 arrive b",
      "5 depart b",
      "10 depart a",
      "10 arrive c",
      "10 depart d",
    ]);
  });

  it("refuses pods without timestamps (the 5-column lists)", () => {
    expect(() => timedEvents([pod("x", null, null)])).toThrow(/needs creation times, but pod x has none/);
  });
});
