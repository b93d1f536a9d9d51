/**
 * A worker thread of a sweep: it receives the scenario once, then runs what it is asked, one run
 * at a time, posting progress, the result or the error. Started from the compiled file
 * (dist/sim/sweep/worker-entry.js) by worker-pool.ts.
 */
import { parentPort, workerData } from "node:worker_threads";
import { runOne } from "../run-one.js";
import { type RunRequest, serializeError, type WorkerReply, type WorkerSetup } from "./messages.js";

const port = parentPort;
if (port === null) throw new Error("worker-entry.js runs as a worker thread, not as a script");
const { scenario } = workerData as WorkerSetup;
const reply = (message: WorkerReply) => port.postMessage(message);

port.on("message", ({ run }: RunRequest) => {
  try {
    const result = runOne({
      scenario,
      policy: run.policy,
      seed: run.seed,
      onProgress: (fraction) => reply({ type: "progress", fraction }),
    });
    reply({ type: "result", result });
  } catch (err) {
    reply({ type: "error", error: serializeError(err) });
  }
});
