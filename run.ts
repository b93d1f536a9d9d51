import { runOne } from "./sim/run-one.js";
import { loadScenario } from "./sim/scenario/load.js";

const s = loadScenario("config/scenarios/inference-fleet.yaml");
if (s.kind !== "fleet") throw new Error();
const days = Number(process.argv[2] ?? 1);
const policies = (process.argv[3] ?? s.policies.join(",")).split(",");
const warm = Number(process.argv[4] ?? 172800);
const short = { ...s, fleet: { ...s.fleet, durationSeconds: days * 86400, warmupSeconds: warm } };
for (const p of policies) {
  const r = runOne({ scenario: short, policy: p, seed: 1 });
  const m = r.metrics;
  console.log(
    p.padEnd(26),
    r.wallSeconds.toFixed(1) + "s",
    "prov",
    m.gpuHoursProvisioned.toFixed(0),
    "used",
    m.gpuHoursUsed.toFixed(0),
    "slo",
    m.sloViolationFraction.toFixed(4),
    "cold",
    m.coldStarts,
    "peak",
    m.peakGpusProvisioned,
    "iso",
    m.isolationViolations,
    "repl",
    m.meanReplicas.toFixed(0),
    "nodesOn",
    m.nodesPoweredOn,
  );
}
