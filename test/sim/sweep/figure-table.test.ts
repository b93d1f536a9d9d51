import { describe, expect, it } from "vitest";
import { figureTable, spliceFigure } from "../../../bench/readme-figures.js";
import type { Scenario } from "../../../sim/scenario/types.js";
import { fakeRun } from "./support.js";

describe("README figure tables", () => {
  it("use summary.json's names with units, show median (min–max), say what a cell is and how to reproduce it", () => {
    const runs = [
      fakeRun("openb-fgd", "fgd", 42),
      fakeRun("openb-fgd", "fgd", 44),
      fakeRun("openb-fgd", "bestfit", 42),
    ];
    const scenario = { kind: "openb-fgd" } as Scenario;
    const text = figureTable(scenario, runs, "tierfit simulate --scenario config/scenarios/openb-fgd.yaml");
    expect(text.split("\n")).toEqual([
      "| policy  | gpuAllocationRatio (0–1) | isolationViolations (placements) |",
      "| ------- | -----------------------: | -------------------------------: |",
      "| fgd     |         0.43 (0.42–0.44) |                                3 |",
      "| bestfit |                     0.42 |                                7 |",
      "",
      "No saving shown: the baseline, kube-default, was not among the policies run.",
      "",
      "Each cell: median (min–max) over 2 seeds (42, 44); one value where the seeds agree. Reproduce: `tierfit simulate --scenario config/scenarios/openb-fgd.yaml`",
      "",
    ]);
  });

  it("replace only the text between a table's markers in the README", () => {
    const readme =
      "intro\n<!-- figures:a.md -->\nold a\n<!-- /figures -->\nmiddle\n<!-- figures:b.md -->\nold b\n<!-- /figures -->\n";
    expect(spliceFigure(readme, "b.md", "| new |\n")).toBe(
      "intro\n<!-- figures:a.md -->\nold a\n<!-- /figures -->\nmiddle\n<!-- figures:b.md -->\n\n| new |\n\n<!-- /figures -->\n",
    );
    expect(() => spliceFigure(readme, "c.md", "x")).toThrow('README.md has no "<!-- figures:c.md -->"');
  });
});
