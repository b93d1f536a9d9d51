/** The trace copies in config/scenarios/data are byte-for-byte what their SHA256SUMS say. */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const DATA = "config/scenarios/data";

function listedSums(folder: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of readFileSync(join(folder, "SHA256SUMS"), "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const m = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
    if (!m) throw new Error(`${folder}/SHA256SUMS: unreadable line ${JSON.stringify(line)}`);
    sums.set(m[2], m[1]);
  }
  return sums;
}

describe("trace data checksums", () => {
  const folders = readdirSync(DATA).map((name) => join(DATA, name));

  it("has both trace folders", () => {
    expect(folders.sort()).toEqual([join(DATA, "alibaba-openb"), join(DATA, "azure-llm-inference")]);
  });

  for (const folder of folders) {
    it(`${folder}: every CSV is listed and every listed file matches its sha256`, () => {
      const sums = listedSums(folder);
      const csvs = readdirSync(folder).filter((f) => f.endsWith(".csv"));
      expect([...sums.keys()].sort()).toEqual(csvs.sort());
      for (const [file, expected] of sums) {
        const actual = createHash("sha256")
          .update(readFileSync(join(folder, file)))
          .digest("hex");
        expect(`${file} ${actual}`).toBe(`${file} ${expected}`);
      }
    });
  }

  it("keeps the openb files the scenarios use", () => {
    expect([...listedSums(join(DATA, "alibaba-openb")).keys()].sort()).toEqual([
      "openb_node_list_all_node.csv",
      "openb_node_list_gpu_node.csv",
      "openb_pod_list_default.csv",
    ]);
  });
});
