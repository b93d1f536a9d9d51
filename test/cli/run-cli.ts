/** Runs the CLI in-process the way bin/tierfit.js does, capturing its output and exit code. */
import { vi } from "vitest";
import { main } from "../../src/cli/main.js";

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(args: readonly string[]): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  process.exitCode = undefined;
  try {
    const code = await main(["node", "tierfit", ...args]);
    return { code, stdout, stderr };
  } catch (e) {
    // What the launcher prints for an error that is not an operator error (a bug).
    return { code: 70, stdout, stderr: `${stderr}tierfit: internal error: ${(e as Error).stack}\n` };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

/** A stack trace line as Node prints it. */
export const STACK_LINE = /^\s{4}at /m;
