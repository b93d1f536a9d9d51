import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { startOnlyChanges } from "../../src/config/start-only.js";

describe("settings read only at start", () => {
  it("reports a reload that changes kube.apiTimeoutMs or bindGraceSeconds, and nothing else", () => {
    const before = configSchema.parse({});
    expect(startOnlyChanges(before, configSchema.parse({ kube: { schedulerNames: ["other"] } }))).toEqual([]);
    expect(startOnlyChanges(before, configSchema.parse({ kube: { apiTimeoutMs: 500, bindGraceSeconds: 60 } }))).toEqual(
      [
        "kube.apiTimeoutMs changed to 500, but it is read only at start: 2000 stays in effect until tierfit serve restarts",
      ],
    );
    expect(startOnlyChanges(before, configSchema.parse({ kube: { bindGraceSeconds: 5 } }))).toEqual([
      "kube.bindGraceSeconds changed to 5, but it is read only at start: 60 stays in effect until tierfit serve restarts",
    ]);
  });
});
