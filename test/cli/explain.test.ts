import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, STACK_LINE } from "./run-cli.js";

const E = "config/examples";
const SHIPPED = ["--pod", `${E}/pod.yaml`, "--nodes", `${E}/nodes.yaml`];
/** The documented explanation shape (README, "Explain JSON"), in order. */
const EXPLANATION_KEYS = ["pod", "uid", "verb", "at", "request", "winner", "nodes", "binding", "notes"];
const NODE_KEYS = ["name", "passed", "reason", "rejectedBy", "unresolvable", "signals", "score", "rawScore"];

describe("tierfit explain", () => {
  const dir = mkdtempSync(join(tmpdir(), "tierfit-cli-explain-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it("--output json prints the explanation /explain answers with; notes also go to stderr", async () => {
    const r = await runCli([
      "explain",
      ...SHIPPED,
      "--pods-on-nodes",
      `${E}/pods-on-nodes.yaml`,
      "--demand",
      `${E}/demand.json`,
      "--output",
      "json",
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(EXPLANATION_KEYS);
    expect(out).toMatchObject({ pod: "chat/llama-3-8b-chat-0", verb: "explain", at: "2025-06-02T14:00:00.000Z" });
    for (const node of out.nodes) expect(Object.keys(node)).toEqual(NODE_KEYS);
    expect(out.winner).toBe("gpu-a100-kata-02");
    expect(out.nodes.map((n: { name: string; passed: boolean }) => [n.name, n.passed])).toEqual([
      ["gpu-a100-kata-02", true],
      ["gpu-h100-kata-01", true],
      ["gpu-a100-runc-01", false],
      ["gpu-a100-kata-01", false],
    ]);
    expect(out.nodes[3].reason).toBe("needs 40 GiB on one GPU; no GPU has that free (largest free: 24 GiB)");
    expect(r.stderr.split("\n")).toContain(
      "note: pod search/reranker-0 on gpu-a100-kata-01 has no tierfit.io/gpu-devices annotation; assumed on GPU 1 (56 GiB), where tierfit would place it",
    );
  });

  it("with no --pod/--nodes explains the shipped example and says so on stderr", async () => {
    const r = await runCli(["explain"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^tierfit: no --pod\/--nodes given; explaining the shipped example in \S+config\/examples \(pod\.yaml, nodes\.yaml, pods-on-nodes\.yaml, demand\.json\)\n$/,
    );
    expect(r.stdout).toContain("Winner: gpu-a100-kata-02 (score 10, raw 9.92)");
    expect(r.stdout).toContain("gpu-a100-runc-01  fail    needs tier hypervisor");
    // Piped (not a TTY): no colour codes.
    expect(r.stdout).not.toContain("\u001b[");
  });

  it("the table marks the winner and shows each failed node's reason", async () => {
    const r = await runCli(["explain", ...SHIPPED, "--pods-on-nodes", `${E}/pods-on-nodes.yaml`]);
    const lines = r.stdout.split("\n");
    // Without the demand file both kata nodes' headroom is unknown (a tie), so consolidation
    // decides: the H100 already holds a pod, the idle A100 node would wake 4 GPUs.
    expect(lines.find((l) => l.startsWith("*"))).toMatch(/^\* {2}gpu-h100-kata-01 {2}pass /);
    expect(lines).toContain(
      "   gpu-a100-kata-01  fail    needs 40 GiB on one GPU; no GPU has that free (largest free: 24 GiB)",
    );
  });

  it.each([
    [
      "a missing file",
      () => ["--pod", join(dir, "nope.yaml"), "--nodes", `${E}/nodes.yaml`],
      /^tierfit: cannot read \S+nope\.yaml: no such file$/,
    ],
    [
      "a Pod without containers",
      () => [
        "--pod",
        file("empty-pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec: {}\n"),
        "--nodes",
        `${E}/nodes.yaml`,
      ],
      /^tierfit: pod default\/x has no containers \(spec\.containers\)$/,
    ],
    [
      "a negative quantity",
      () => [
        "--pod",
        file(
          "neg.yaml",
          'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n    - name: c\n      image: i\n      resources:\n        requests: {cpu: "-2"}\n',
        ),
        "--nodes",
        `${E}/nodes.yaml`,
      ],
      /^tierfit: pod default\/x, spec\.containers\[0\]\.resources\.requests\.cpu: "-2" is negative/,
    ],
    [
      "a nodes file with no Node",
      () => [
        "--pod",
        `${E}/pod.yaml`,
        "--nodes",
        file("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"),
      ],
      /^tierfit: \S+cm\.yaml holds no Node \(found 1 ConfigMap\)$/,
    ],
    [
      "malformed YAML",
      () => [
        "--pod",
        file("broken.yaml", "apiVersion: v1\nkind: Pod\nspec:\n  containers: [\n"),
        "--nodes",
        `${E}/nodes.yaml`,
      ],
      /^tierfit: \S+broken\.yaml document 1 is malformed YAML: .*line \d+, column \d+/,
    ],
    [
      "an invalid demand file",
      () => [...SHIPPED, "--demand", file("d.json", '{"takenAt": "yesterday"}')],
      /^tierfit: \S+d\.json is not a demand snapshot: takenAt: expected a time .*, found "yesterday"$/,
    ],
    [
      "an invalid config",
      () => [...SHIPPED, "--config", file("c.yaml", "bogus: 1\n")],
      /^tierfit: \S+c\.yaml is not a valid tierfit config \(1 problem\):$/,
    ],
    [
      "--pod without --nodes",
      () => ["--pod", `${E}/pod.yaml`],
      /^tierfit: give both --pod and --nodes \(missing --nodes\)/,
    ],
  ])("refuses %s with a clear message, its exit code and no stack trace", async (what, args, message) => {
    const r = await runCli(["explain", ...args()]);
    // 3 invalid config, 1 usage, 2 any other bad input (README, "Exit codes").
    expect(r.code).toBe(what === "an invalid config" ? 3 : what.startsWith("--pod") ? 1 : 2);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")[0]).toMatch(message);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it("exits 5 when no node fits, after printing the explanation (table or json)", async () => {
    const noFit = file("no-fit-config.yaml", "demand:\n  onStale: reject\n");
    const args = [...SHIPPED, "--config", noFit, "--demand", file("empty-demand.json", '{"takenAt": 0}')];
    const table = await runCli(["explain", ...args]);
    expect(table.code).toBe(5);
    expect(table.stdout).toContain("No node can take the pod (4 nodes checked).");
    const json = await runCli(["explain", ...args, "-o", "json"]);
    expect(json.code).toBe(5);
    const out = JSON.parse(json.stdout);
    expect(out.winner).toBeNull();
    const rejectedBy = Object.fromEntries(
      out.nodes.map((n: { name: string; rejectedBy: string }) => [n.name, n.rejectedBy]),
    );
    expect(rejectedBy).toEqual({
      "gpu-a100-runc-01": "isolationTier",
      "gpu-a100-kata-01": "liveDemand",
      "gpu-a100-kata-02": "liveDemand",
      "gpu-h100-kata-01": "liveDemand",
    });
  });

  it("refuses an unknown output format", async () => {
    const r = await runCli(["explain", ...SHIPPED, "--output", "xml"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("argument 'xml' is invalid. Allowed choices are table, json.");
  });

  it("documents every option and the demand format in --help", async () => {
    const r = await runCli(["explain", "--help"]);
    expect(r.code).toBe(0);
    for (const option of [
      "--pod <file>",
      "--nodes <file>",
      "--pods-on-nodes <file>",
      "--demand <file>",
      "-c, --config <file>",
      "-o, --output <format>",
    ]) {
      expect(r.stdout).toMatch(new RegExp(`${option.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s+\\S`));
    }
    expect(r.stdout).toContain('"takenAt": "2025-06-02T14:00:00Z"');
    expect(r.stdout).toContain("With neither --pod nor --nodes, the shipped example in config/examples is explained.");
  });
});
