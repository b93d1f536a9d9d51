/** `tierfit config validate FILE` and `tierfit config show`: check a config, print the effective one. */
import type { Command } from "commander";
import { stringify } from "yaml";
import { loadConfig } from "../../config/load.js";
import { summarizeConfig } from "../../config/summary.js";

export function registerConfigCommand(program: Command): void {
  const config = program.command("config").description("Check and print tierfit's config file.");

  config
    .command("validate")
    .description(
      "Validate a config file. Exits 0 with a one-line summary when it is valid; exits 3 listing every problem, each with its line, when it is not.",
    )
    .argument("<file>", "the YAML config file to check (for example config/tierfit.yaml)")
    .action((file: string) => {
      const loaded = loadConfig(file);
      process.stdout.write(`${file}: valid — ${summarizeConfig(loaded)}\n`);
    });

  config
    .command("show")
    .description(
      "Print the effective config as YAML: the file's settings with every default filled in (the built-in defaults when no file is given).",
    )
    .option("-c, --config <file>", "the YAML config file to read (default: the built-in defaults)")
    .action((opts: { config?: string }) => {
      process.stdout.write(stringify(loadConfig(opts.config), { lineWidth: 0 }));
    });
}
