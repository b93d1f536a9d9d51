/** config/tierfit.yaml documents the defaults; this keeps the document and the code identical. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { defaultConfig, loadConfig } from "../../src/config/load.js";
import { SIGNAL_NAMES } from "../../src/config/schema.js";

const FILE = "config/tierfit.yaml";

describe("config/tierfit.yaml", () => {
  it("is exactly the built-in default config", () => {
    expect(loadConfig(FILE)).toEqual(defaultConfig());
  });

  it("documents every signal and every onStale choice", () => {
    const text = readFileSync(FILE, "utf8");
    for (const signal of SIGNAL_NAMES) expect(text).toMatch(new RegExp(`^#\\s+${signal}\\s+\\S`, "m"));
    for (const choice of ["neutral", "minimum", "reject"])
      expect(text).toMatch(new RegExp(`^\\s+#\\s+${choice}\\s+\\S`, "m"));
    expect(text).toMatch(/^\s+#\s+expression: "/m);
  });
});
