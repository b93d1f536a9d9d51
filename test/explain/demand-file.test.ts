import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/config/load.js";
import { demandFromJson, loadDemandFile } from "../../src/explain/demand-file.js";

const config = defaultConfig();
const T0 = Date.parse("2025-06-02T14:00:00Z");

describe("demand files", () => {
  const dir = mkdtempSync(join(tmpdir(), "tierfit-demand-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the shipped example into a snapshot", () => {
    const d = loadDemandFile("config/examples/demand.json", config);
    expect(d.takenAt).toBe(T0);
    expect([...d.nodes.keys()]).toEqual(["gpu-a100-kata-01", "gpu-a100-kata-02", "gpu-h100-kata-01"]);
    const h100 = d.nodes.get("gpu-h100-kata-01")!;
    expect(h100).toMatchObject({ ts: T0 - 10_000, stale: false, pending: null });
    expect(h100.devices[0]).toEqual({ index: 0, uuid: null, util: 0.91, fbUsedMiB: 73400, fbTotalMiB: 81559 });
    const model = d.models.get("llama-3-8b-instruct")!;
    expect(model).toMatchObject({
      rps: 38.2,
      running: 21,
      waiting: 4,
      kvCacheUsage: 0.71,
      queueMs: null,
      stale: false,
    });
    expect(model.forecast).toEqual({
      rps: 52,
      gpuMemoryMiB: 122880,
      gpuCompute: 1.2,
      replicas: 3,
      method: "holt-winters",
      backtestError: 0,
      horizonSeconds: 900,
      ts: T0 - 30_000,
    });
    expect(model.nodes.size).toBe(0);
  });

  it("judges staleness at takenAt with the config's window, and accepts ms timestamps", () => {
    const d = demandFromJson(
      {
        takenAt: T0,
        nodes: {
          fresh: { ts: T0 - 60_000, devices: [{ index: 0, util: 0.5 }] },
          old: { ts: T0 - 60_001, devices: [{ index: 0, util: 0.5 }] },
        },
        models: { m: { ts: T0 - 120_000, nodes: { fresh: { ts: T0 } } } },
      },
      "inline",
      config,
    );
    expect(d.nodes.get("fresh")!.stale).toBe(false);
    expect(d.nodes.get("old")!.stale).toBe(true);
    expect(d.models.get("m")!.stale).toBe(true);
    expect(d.models.get("m")!.nodes.get("fresh")).toMatchObject({ model: "m", node: "fresh", stale: false });
  });

  it("names every problem with its path, in one line", () => {
    expect(() =>
      demandFromJson(
        { takenAt: "yesterday", nodes: { a: { ts: 1, devices: [{ index: 0, util: 1.5 }] } }, extra: 1 },
        "d.json",
        config,
      ),
    ).toThrow(
      expect.objectContaining({
        code: "TF_ERR_INPUT",
        message:
          'd.json is not a demand snapshot: 3 problems: takenAt: expected a time (ms since the epoch, or an ISO-8601 string such as 2025-06-02T14:00:00Z), found "yesterday"; nodes.a.devices[0].util: expected a number from 0 to 1 or null, found 1.5; extra: unknown key',
      }),
    );
  });

  it("reports a file that is not JSON, or missing", () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{ takenAt: 1 }");
    expect(() => loadDemandFile(bad, config)).toThrow(new RegExp(`^${bad} is not valid JSON: `));
    expect(() => loadDemandFile(join(dir, "none.json"), config)).toThrow(
      `cannot read ${join(dir, "none.json")}: no such file`,
    );
  });
});
