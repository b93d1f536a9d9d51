/**
 * The `tierfit` command line. Each command lives in src/cli/commands/ and registers itself on
 * the program; this file only wires them and turns operator errors into a message and an exit code.
 */
import { Command, CommanderError } from "commander";
import { TierfitError } from "../errors.js";
import { registerCommands } from "./commands/index.js";

export function buildProgram(): Command {
  const program = new Command("tierfit")
    .description(
      "GPU-aware scheduling for Kubernetes: a kube-scheduler extender, a placement simulator and the tools around them.",
    )
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  registerCommands(program);
  return program;
}

/** Runs the CLI and resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof TierfitError) {
      process.stderr.write(`tierfit: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}
