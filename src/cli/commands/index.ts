import type { Command } from "commander";

export interface CommandEntry {
  readonly name: string;
  /** The line `tierfit --help` lists it with; `tierfit <name> --help` has the full description. */
  readonly summary: string;
  /** Its module, imported only when the command runs: each loads only what it uses. */
  load(): Promise<(program: Command) => void>;
}

/** Every CLI command, in the order `tierfit --help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "config",
    summary: "check a config file (every error with its line) or print the effective config",
    load: async () => (await import("./config.js")).registerConfigCommand,
  },
  {
    name: "explain",
    summary: "where a pod would go and why: each node's pass or fail with its reason, each signal's score",
    load: async () => (await import("./explain.js")).registerExplainCommand,
  },
  {
    name: "serve",
    summary: "run the kube-scheduler extender (filter, prioritize, bind, preempt) over HTTP(S)",
    load: async () => (await import("./serve.js")).registerServeCommand,
  },
  {
    name: "bridge",
    summary: "scrape DCGM exporter, vLLM and Triton metrics into Redis",
    load: async () => (await import("./bridge.js")).registerBridgeCommand,
  },
  {
    name: "demand",
    summary: "show the live-demand snapshot tierfit scores with, read from Redis",
    load: async () => (await import("./demand.js")).registerDemandCommand,
  },
  {
    name: "report",
    summary: "print the latest capacity report from Redis",
    load: async () => (await import("./report.js")).registerReportCommand,
  },
  {
    name: "simulate",
    summary: "replay a workload under several policies and seeds; summary table and report folder",
    load: async () => (await import("./simulate.js")).registerSimulateCommand,
  },
];
