/**
 * What the sweep's main thread and its worker threads say to each other, and how a failed run is
 * reported: an operator error (bad scenario data) stays a TierfitError, anything else is a bug;
 * either way the message names the run.
 */
import { ERROR_CODES, type ErrorCode, TierfitError } from "../../src/errors.js";
import type { RunResult } from "../results.js";
import type { Scenario } from "../scenario/types.js";
import { type PlannedRun, runLabel } from "./plan.js";

/** Given to each worker once, at start. */
export interface WorkerSetup {
  readonly scenario: Scenario;
}

/** Main → worker: do this run next. */
export interface RunRequest {
  readonly run: PlannedRun;
}

/** Worker → main. */
export type WorkerReply =
  | { readonly type: "progress"; readonly fraction: number }
  | { readonly type: "result"; readonly result: RunResult }
  | { readonly type: "error"; readonly error: SerializedError };

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  /** Set for a TierfitError. */
  readonly code?: ErrorCode;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof TierfitError) return { name: err.name, message: err.message, code: err.code };
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { name: "Error", message: String(err) };
}

/** The error the sweep fails with when `run` failed with `error`. */
export function runFailure(run: PlannedRun | null, error: SerializedError): Error {
  const what = run === null ? "a worker thread" : `run ${runLabel(run)}`;
  if (error.code !== undefined && error.code in ERROR_CODES) {
    return new TierfitError(error.code, `${what} failed: ${error.message}`);
  }
  const kind = error.name === "Error" ? "" : `${error.name}: `;
  const failure = new Error(`${what} failed: ${kind}${error.message}`);
  if (error.stack) failure.stack = `${failure.message}\n--- in the run:\n${error.stack}`;
  return failure;
}
