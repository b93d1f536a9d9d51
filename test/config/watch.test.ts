import {
  closeSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/problems.js";
import type { TierfitConfig } from "../../src/config/schema.js";
import { type ConfigWatcher, watchConfig } from "../../src/config/watch.js";

/** Collects what the watcher reports and lets a test wait for the next report. */
function recorder() {
  const events: ({ kind: "change"; config: TierfitConfig } | { kind: "error"; err: Error })[] = [];
  let wake: (() => void) | null = null;
  return {
    events,
    onChange(config: TierfitConfig) {
      events.push({ kind: "change", config });
      wake?.();
    },
    onError(err: Error) {
      events.push({ kind: "error", err });
      wake?.();
    },
    /** Resolves once `n` reports have arrived in all. */
    async until(n: number) {
      while (events.length < n) await new Promise<void>((r) => (wake = r));
      wake = null;
    },
  };
}

const weightsYaml = (liveDemand: number) => `scoring:\n  weights:\n    liveDemand: ${liveDemand}\n`;

describe("watchConfig", () => {
  let dir = "";
  let watcher: ConfigWatcher | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "tierfit-watch-"));
  });
  afterEach(() => {
    watcher?.close();
    watcher = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it("hands over a changed valid file as a new frozen config", async () => {
    const file = join(dir, "tierfit.yaml");
    writeFileSync(file, weightsYaml(2));
    const rec = recorder();
    watcher = watchConfig(file, { ...rec, debounceMs: 20, settleMs: 50 });
    const first = watcher.current();
    expect(first.scoring.weights.liveDemand).toBe(2);

    writeFileSync(file, weightsYaml(7));
    await rec.until(1);
    expect(rec.events[0].kind).toBe("change");
    const next = watcher.current();
    expect(next.scoring.weights.liveDemand).toBe(7);
    expect(rec.events[0]).toEqual({ kind: "change", config: next });
    expect(Object.isFrozen(next.scoring.weights)).toBe(true);
    // The old object is untouched: readers holding it never see a half-applied change.
    expect(first.scoring.weights.liveDemand).toBe(2);
  });

  it("keeps the previous config when the new file is invalid, and recovers when it is fixed", async () => {
    const file = join(dir, "tierfit.yaml");
    writeFileSync(file, weightsYaml(2));
    const rec = recorder();
    watcher = watchConfig(file, { ...rec, debounceMs: 20, settleMs: 50 });

    writeFileSync(file, "scoring:\n  weights:\n    liveDemand: lots\n");
    await rec.until(1);
    const report = rec.events[0];
    expect(report.kind).toBe("error");
    expect(report.kind === "error" && report.err).toBeInstanceOf(ConfigError);
    expect(report.kind === "error" && report.err.message).toContain(
      'scoring.weights.liveDemand: expected a number from 0 to 100, found "lots"',
    );
    expect(watcher.current().scoring.weights.liveDemand).toBe(2);

    writeFileSync(file, weightsYaml(4));
    await rec.until(2);
    expect(rec.events[1].kind).toBe("change");
    expect(watcher.current().scoring.weights.liveDemand).toBe(4);
  });

  it("follows a ConfigMap volume update (new timestamped directory, `..data` symlink swapped)", async () => {
    // The layout kubelet's atomic writer creates for a ConfigMap volume.
    const writeVersion = (stamp: string, liveDemand: number) => {
      mkdirSync(join(dir, stamp));
      writeFileSync(join(dir, stamp, "tierfit.yaml"), weightsYaml(liveDemand));
    };
    writeVersion("..2025_01_01_00_00_00.000000001", 2);
    symlinkSync("..2025_01_01_00_00_00.000000001", join(dir, "..data"));
    symlinkSync("..data/tierfit.yaml", join(dir, "tierfit.yaml"));
    const rec = recorder();
    watcher = watchConfig(join(dir, "tierfit.yaml"), { ...rec, debounceMs: 20, settleMs: 50 });
    expect(watcher.current().scoring.weights.liveDemand).toBe(2);

    const swap = (from: string, to: string) => {
      symlinkSync(to, join(dir, "..data_tmp"));
      renameSync(join(dir, "..data_tmp"), join(dir, "..data"));
      rmSync(join(dir, from), { recursive: true });
    };
    writeVersion("..2025_01_01_00_05_00.000000002", 9);
    swap("..2025_01_01_00_00_00.000000001", "..2025_01_01_00_05_00.000000002");
    await rec.until(1);
    expect(rec.events[0].kind).toBe("change");
    expect(watcher.current().scoring.weights.liveDemand).toBe(9);

    // A second update: a watch on the first file's inode would have gone silent by now.
    writeVersion("..2025_01_01_00_10_00.000000003", 11);
    swap("..2025_01_01_00_05_00.000000002", "..2025_01_01_00_10_00.000000003");
    await rec.until(2);
    expect(rec.events[1].kind).toBe("change");
    expect(watcher.current().scoring.weights.liveDemand).toBe(11);
  });

  it("reports a deleted file and keeps the last good config", async () => {
    const file = join(dir, "tierfit.yaml");
    writeFileSync(file, weightsYaml(3));
    const rec = recorder();
    watcher = watchConfig(file, { ...rec, debounceMs: 20, settleMs: 50 });
    rmSync(file);
    await rec.until(1);
    expect(rec.events[0].kind === "error" && rec.events[0].err.message).toMatch(
      /cannot read config file .*: no such file/,
    );
    expect(watcher.current().scoring.weights.liveDemand).toBe(3);
  });

  it("never applies a file written in place in two chunks half-written", async () => {
    const file = join(dir, "tierfit.yaml");
    writeFileSync(file, weightsYaml(2));
    const rec = recorder();
    const full = "scoring:\n  weights:\n    liveDemand: 7\n    gpuMemory: 3\n";
    const half = full.slice(0, full.indexOf("    gpuMemory"));
    let settled: (text: string) => void = () => {};
    const firstRead = new Promise<string>((resolve) => (settled = resolve));
    watcher = watchConfig(file, { ...rec, debounceMs: 20, settleMs: 500, onSettling: (text) => settled(text) });
    const fd = openSync(file, "r+");
    ftruncateSync(fd, 0);
    writeSync(fd, half, 0);
    // The watcher has read the first chunk, a valid config of its own; the second comes now.
    expect(await firstRead).toBe(half);
    writeSync(fd, full.slice(half.length), half.length);
    closeSync(fd);
    await rec.until(1);
    expect(rec.events.map((e) => e.kind)).toEqual(["change"]);
    expect(watcher.current().scoring.weights).toMatchObject({ liveDemand: 7, gpuMemory: 3 });
  });

  it("refuses to start on an invalid file", () => {
    const file = join(dir, "tierfit.yaml");
    writeFileSync(file, "bogus: 1\n");
    expect(() => watchConfig(file, recorder())).toThrow(ConfigError);
  });
});
