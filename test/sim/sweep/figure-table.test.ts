import { describe, expect, it } from "vitest";
import { figureTable } from "../../../bench/readme-figures.js";
import type { Scenario } from "../../../sim/scenario/types.js";
import { fakeRun } from "./support.js";

describe("README figure tables", () => {
  it("label the headline columns, show median (min–max) and end with the command that reproduces them", () => {
    const runs = [
      fakeRun("openb-fgd", "fgd", 42),
      fakeRun("openb-fgd", "fgd", 44),
      fakeRun("openb-fgd", "bestfit", 42),
    ];
    const scenario = { kind: "openb-fgd" } as Scenario;
    const text = figureTable(scenario, runs, "tierfit simulate --scenario config/scenarios/openb-fgd.yaml");
    expect(text.split("\n")).toEqual([
      "| policy  | GPU allocation ratio | isolation violations |",
      "| ------- | -------------------: | -------------------: |",
      "| fgd     |     0.43 (0.42–0.44) |                    3 |",
      "| bestfit |                 0.42 |                    7 |",
      "",
      "Median over seeds 42, 44 (min–max in brackets when they differ). Reproduce: `tierfit simulate --scenario config/scenarios/openb-fgd.yaml`",
      "",
    ]);
  });
});
