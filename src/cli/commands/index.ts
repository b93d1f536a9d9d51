import type { Command } from "commander";

/** Every CLI command, in the order `tierfit --help` lists them. */
export function registerCommands(_program: Command): void {}
