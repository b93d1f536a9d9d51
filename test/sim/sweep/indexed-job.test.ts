/**
 * config/deploy/simulate-indexed-job.yaml agrees with the CLI: an Indexed Job whose n pods each
 * pass a valid --shard i/n (n = completions), a scenario the image holds, and an --out on the
 * shared volume; together the shards cover the scenario's sweep exactly once.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { loadScenario } from "../../../sim/scenario/load.js";
import { parseShardSpec, shardRuns } from "../../../sim/sweep/shard.js";
import { planFor } from "../../../sim/sweep/sweep.js";

const FILE = "config/deploy/simulate-indexed-job.yaml";
// biome-ignore lint/suspicious/noExplicitAny: a manifest, checked field by field
const docs = parseAllDocuments(readFileSync(FILE, "utf8")).map((d) => d.toJS() as Record<string, any>);
const job = docs.find((d) => d.kind === "Job")!;
const claim = docs.find((d) => d.kind === "PersistentVolumeClaim")!;
const pod = job.spec.template.spec;
const args: string[] = pod.containers[0].args;
const arg = (flag: string) => args[args.indexOf(flag) + 1];

describe("the simulation Indexed Job", () => {
  it("is an Indexed Job with one completion per shard", () => {
    expect(job.apiVersion).toBe("batch/v1");
    expect(job.spec.completionMode).toBe("Indexed");
    expect(pod.restartPolicy).toBe("Never");
    expect(args[0]).toBe("simulate");
    expect(arg("--shard")).toBe(`$(JOB_COMPLETION_INDEX)/${job.spec.completions}`);
    expect(job.spec.parallelism).toBeLessThanOrEqual(job.spec.completions);
  });

  it("writes to a shared ReadWriteMany volume mounted at --out", () => {
    const mount = pod.containers[0].volumeMounts.find((m: { mountPath: string }) => m.mountPath === arg("--out"));
    expect(mount).toBeDefined();
    const volume = pod.volumes.find((v: { name: string }) => v.name === mount.name);
    expect(volume.persistentVolumeClaim.claimName).toBe(claim.metadata.name);
    expect(claim.spec.accessModes).toEqual(["ReadWriteMany"]);
    expect(claim.metadata.namespace).toBe(job.metadata.namespace);
  });

  it("names a scenario the image holds, and its shards cover the sweep exactly once", () => {
    const scenarioPath = arg("--scenario");
    expect(existsSync(scenarioPath)).toBe(true);
    const plan = planFor(loadScenario(scenarioPath));
    const n = job.spec.completions as number;
    const covered = Array.from({ length: n }, (_, i) => {
      const shard = parseShardSpec(arg("--shard").replace("$(JOB_COMPLETION_INDEX)", String(i)));
      return shardRuns(plan.runs, shard).map((r) => r.index);
    }).flat();
    expect(covered.sort((a, b) => a - b)).toEqual(plan.runs.map((r) => r.index));
    expect(plan.runs.length).toBeGreaterThanOrEqual(n);
  });
});
