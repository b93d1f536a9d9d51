/** `tierfit config validate FILE` and `tierfit config show`: check a config, print the effective one. */
import type { Command } from "commander";
import type { ConfigError } from "../../config/problems.js";
import { TierfitError } from "../../errors.js";
import { EXIT } from "../exit-codes.js";
import { configOption, type OutputFormat, outputOption } from "../options.js";

export function registerConfigCommand(program: Command): void {
  const config = program.command("config").description("Check and print tierfit's config file.");

  config
    .command("validate")
    .description(
      "Validate a config file. Exits 0 with a one-line summary when it is valid; exits 3 listing every problem, each with its line, when it is not.",
    )
    .argument("[file]", "the YAML config file to check (for example config/tierfit.yaml), or give it with -c")
    .addOption(configOption("the file to check, as the argument"))
    .addOption(outputOption("text"))
    .action((file: string | undefined, opts: { config?: string; output: OutputFormat }) => validate(file, opts));

  config
    .command("show")
    .description(
      "Print the effective config: the file's settings with every default filled in (the built-in defaults when no file is given).",
    )
    .addOption(configOption("the file to read"))
    .addOption(outputOption("yaml"))
    .action(async (opts: { config?: string; output: OutputFormat }) => {
      const { loadConfig } = await import("../../config/load.js");
      const config = loadConfig(opts.config);
      if (opts.output === "json") process.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
      else process.stdout.write((await import("yaml")).stringify(config, { lineWidth: 0 }));
    });
}

async function validate(arg: string | undefined, opts: { config?: string; output: OutputFormat }): Promise<void> {
  if (arg !== undefined && opts.config !== undefined && arg !== opts.config) {
    throw new TierfitError("TF_ERR_USAGE", `two files given: ${arg} and --config ${opts.config}; check one at a time`);
  }
  const file = arg ?? opts.config;
  if (file === undefined)
    throw new TierfitError("TF_ERR_USAGE", "give the config file to check: tierfit config validate FILE");
  const { loadConfig } = await import("../../config/load.js");
  const { ConfigError } = await import("../../config/problems.js");
  const { summarizeConfig } = await import("../../config/summary.js");
  if (opts.output !== "json") {
    process.stdout.write(`${file}: valid — ${summarizeConfig(loadConfig(file))}\n`);
    return;
  }
  try {
    const summary = summarizeConfig(loadConfig(file));
    process.stdout.write(`${JSON.stringify({ file, valid: true, summary, problems: [] }, null, 2)}\n`);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stdout.write(
      `${JSON.stringify({ file, valid: false, summary: null, problems: problemsJson(err) }, null, 2)}\n`,
    );
    process.exitCode = EXIT.invalidConfig;
  }
}

/** Each problem with its place: line and column (null when unknown), the key's path, the message. */
function problemsJson(err: ConfigError) {
  return err.details.map((p, i) => ({
    line: p.line ?? null,
    column: p.column ?? null,
    path: p.path,
    message: p.message,
    text: err.problems[i],
  }));
}
