import { describe, expect, it } from "vitest";
import { makeContext } from "../../src/scoring/context.js";
import { chooseDevices } from "../../src/scoring/device-choice.js";
import { expectedWasteDelta, expectedWasteTable, NO_TAKER } from "../../src/scoring/expected-waste.js";
import { compileMix } from "../../src/scoring/fragmentation.js";
import { gpuMemory } from "../../src/scoring/signals/gpu-memory.js";
import type { TypicalPod } from "../../src/scoring/types.js";
import { gpu, nodeState, podRequest, testConfig } from "../support/core-builders.js";

// Half the devices asked for take 300 thousandths, half a whole GPU: p300 = p1000 = 0.5.
const MIX: TypicalPod[] = [
  { milliCpu: 1000, gpuCount: 1, gpuMilli: 300, weight: 1 },
  { milliCpu: 1000, gpuCount: 1, gpuMilli: 1000, weight: 1 },
  { milliCpu: 1000, gpuCount: 0, gpuMilli: 0, weight: 5 }, // CPU-only pods take no device
];
const s = NO_TAKER;
// W(f) = (s·f + Σ p_m W(f − m)) / (s + Σ p_m), over the m ≤ f.
const W100 = 100; // nothing fits
const W200 = 200;
const W400 = (s * 400 + 0.5 * W100) / (s + 0.5); // (20 + 50) / 0.55 = 127.27
const W500 = (s * 500 + 0.5 * W200) / (s + 0.5); // (25 + 100) / 0.55 = 227.27
const W700 = (s * 700 + 0.5 * W400) / (s + 0.5); // (35 + 63.64) / 0.55 = 179.34

describe("expected waste", () => {
  const table = expectedWasteTable(compileMix(MIX));

  it("is the free room itself where no typical pod fits, and follows the recurrence above it", () => {
    expect(s).toBe(0.05);
    expect(table[0]).toBe(0);
    expect(table[299]).toBe(299);
    expect(table[400]).toBeCloseTo(W400, 10);
    expect(table[500]).toBeCloseTo(W500, 10);
    expect(table[700]).toBeCloseTo(W700, 10);
    // W(1000) = (50 + 0.5·W(700) + 0.5·W(0)) / 1.05
    expect(table[1000]).toBeCloseTo((s * 1000 + 0.5 * W700) / (s + 1), 10);
  });

  it("never exceeds the free room", () => {
    for (let f = 0; f <= 1000; f++) expect(table[f]).toBeLessThanOrEqual(f + 1e-9);
  });

  it("prefers a remainder a typical pod fits over a smaller one none does", () => {
    const mix = compileMix(MIX);
    // 300 into 500 free leaves 200 nothing fits; into 700 free it leaves 400, room for one more.
    expect(expectedWasteDelta(mix, 500, 300)).toBeCloseTo(W200 - W500, 10); // −27.27
    expect(expectedWasteDelta(mix, 700, 300)).toBeCloseTo(W400 - W700, 10); // −52.07
  });

  it("decides the fill packing's device and gpuMemory's score; binpack takes the tighter one", () => {
    const A100 = 81920;
    const node = nodeState({
      name: "n",
      gpus: [gpu(A100, { occupants: [{ milli: 500 }] }), gpu(A100, { occupants: [{ milli: 300 }] })],
    });
    const pod = podRequest({ gpuCount: 1, gpuMilli: 300 });
    const fill = makeContext(testConfig(), { workloadMix: MIX });
    expect(chooseDevices(pod, node, fill)).toEqual([{ index: 1, units: 300 * A100 }]);
    const pre = gpuMemory.preScore(pod, fill);
    expect(gpuMemory.score(pod, node, fill, pre)).toBeCloseTo(5 - (W400 - W700) / 200, 10); // 5.26
    const binpack = makeContext(testConfig({ workloadClasses: { default: { gpuPacking: "binpack" } } }), {
      workloadMix: MIX,
    });
    expect(chooseDevices(pod, node, binpack)).toEqual([{ index: 0, units: 300 * A100 }]);
  });
});
