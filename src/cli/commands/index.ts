import type { Command } from "commander";
import { registerBridgeCommand } from "./bridge.js";
import { registerConfigCommand } from "./config.js";
import { registerDemandCommand } from "./demand.js";
import { registerExplainCommand } from "./explain.js";
import { registerReportCommand } from "./report.js";
import { registerServeCommand } from "./serve.js";
import { registerSimulateCommand } from "./simulate.js";

/** Every CLI command, in the order `tierfit --help` lists them. */
export function registerCommands(program: Command): void {
  registerConfigCommand(program);
  registerExplainCommand(program);
  registerServeCommand(program);
  registerBridgeCommand(program);
  registerDemandCommand(program);
  registerReportCommand(program);
  registerSimulateCommand(program);
}
