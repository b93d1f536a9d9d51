/** Everything wrong with a scenario at once, one line per problem, compiler-style (`file:line: path: …`). */
import { formatProblem, type Problem } from "../../src/config/problems.js";
import { TierfitError } from "../../src/errors.js";

export class ScenarioError extends TierfitError {
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly Problem[]) {
    const lines = problems.map((p) => formatProblem(source, p));
    const count = lines.length === 1 ? "1 problem" : `${lines.length} problems`;
    super("TF_ERR_INPUT", `${source} is not a valid scenario (${count}):\n${lines.map((l) => `  ${l}`).join("\n")}`);
    this.name = "ScenarioError";
    this.problems = lines;
  }
}
