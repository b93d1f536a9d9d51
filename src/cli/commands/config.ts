/** `tierfit config validate FILE` and `tierfit config show`: check a config, print the effective one. */
import type { Command } from "commander";

export function registerConfigCommand(program: Command): void {
  const config = program.command("config").description("Check and print tierfit's config file.");

  config
    .command("validate")
    .description(
      "Validate a config file. Exits 0 with a one-line summary when it is valid; exits 3 listing every problem, each with its line, when it is not.",
    )
    .argument("<file>", "the YAML config file to check (for example config/tierfit.yaml)")
    .action(async (file: string) => {
      const { loadConfig } = await import("../../config/load.js");
      const { summarizeConfig } = await import("../../config/summary.js");
      process.stdout.write(`${file}: valid — ${summarizeConfig(loadConfig(file))}\n`);
    });

  config
    .command("show")
    .description(
      "Print the effective config as YAML: the file's settings with every default filled in (the built-in defaults when no file is given).",
    )
    .option("-c, --config <file>", "the YAML config file to read (default: the built-in defaults)")
    .action(async (opts: { config?: string }) => {
      const { loadConfig } = await import("../../config/load.js");
      const { stringify } = await import("yaml");
      process.stdout.write(stringify(loadConfig(opts.config), { lineWidth: 0 }));
    });
}
