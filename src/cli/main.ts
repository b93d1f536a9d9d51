/**
 * The `tierfit` command line. Each command lives in src/cli/commands/ and registers itself on
 * the program; this file only wires them and turns operator errors into a message and an exit code.
 *
 * Only the command being run is loaded: the others are listed by name and summary, so
 * `tierfit --help` and `--version` load no command's dependencies (mathjs, the Kubernetes client,
 * echarts… each cost seconds to import).
 */
import { Command, CommanderError } from "commander";
import { TierfitError } from "../errors.js";
import { COMMANDS } from "./commands/index.js";
import { EXIT_CODES_HELP } from "./exit-codes.js";

/** The program, with the full definition (options, help, action) of `command` only. */
export async function buildProgram(command?: string): Promise<Command> {
  const program = new Command("tierfit")
    .description(
      "GPU-aware scheduling for Kubernetes: a kube-scheduler extender, a placement simulator and the tools around them.",
    )
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", EXIT_CODES_HELP)
    .exitOverride();
  const wanted = COMMANDS.find((c) => c.name === command);
  const register = wanted ? await wanted.load() : undefined;
  for (const c of COMMANDS) {
    if (c === wanted && register) register(program);
    else program.command(c.name);
    program.commands.at(-1)?.summary(c.summary);
  }
  return program;
}

/** The command `argv` runs: its first operand, or what `help` is asked about. */
function commandOf(args: readonly string[]): string | undefined {
  const operands = args.filter((a) => !a.startsWith("-"));
  return operands[0] === "help" ? operands[1] : operands[0];
}

/** Runs the CLI and resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const program = await buildProgram(commandOf(argv.slice(2)));
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
