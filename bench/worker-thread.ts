/**
 * Runs a bench module's measuring part on a worker thread and waits for its one reply. Compiled,
 * the module is plain JS; run from source (tsx), a worker does not inherit tsx's loader, so it
 * registers it before importing the module.
 */
import { type ResourceLimits, Worker } from "node:worker_threads";

export function startWorker(moduleUrl: string, workerData: unknown, resourceLimits?: ResourceLimits): Worker {
  const options = { workerData, resourceLimits };
  if (!moduleUrl.endsWith(".ts")) return new Worker(new URL(moduleUrl), options);
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const code = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(moduleUrl)}); });`;
  return new Worker(code, { ...options, eval: true });
}

/** Runs the module on a worker thread and returns its first message; rejects if it throws or exits first. */
export async function replyFromWorker<T>(
  moduleUrl: string,
  workerData: unknown,
  resourceLimits?: ResourceLimits,
): Promise<T> {
  const worker = startWorker(moduleUrl, workerData, resourceLimits);
  try {
    return await new Promise<T>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`bench worker exited with code ${code} before replying`)));
    });
  } finally {
    await worker.terminate();
  }
}
