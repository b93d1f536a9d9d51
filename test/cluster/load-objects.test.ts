import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadKubeObjects, loadNodes, loadPod, loadPods } from "../../src/cluster/load-objects.js";
import { nodeViewFromV1 } from "../../src/cluster/node-view.js";
import { podRequestFromV1 } from "../../src/cluster/pod-request.js";
import { TierfitError } from "../../src/errors.js";
import { v1Node, v1NodeList, v1Pod, v1PodList } from "../support/kube-objects.js";
import { clusterTestConfig } from "./test-config.js";

const dir = mkdtempSync(join(tmpdir(), "tierfit-load-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const POD_YAML = `# an inference pod as an operator writes it
apiVersion: v1
kind: Pod
metadata:
  name: llama-0
  namespace: ml
  labels:
    tierfit.io/tenant: team-a
    tierfit.io/model: llama-3-8b
  annotations:
    tierfit.io/gpu-memory: 20Gi
spec:
  runtimeClassName: kata-qemu
  containers:
    - name: server
      image: registry.example.com/vllm:0.6
      resources:
        limits:
          cpu: 4
          memory: 16Gi
          nvidia.com/gpu: 1
`;

describe("loadKubeObjects and friends", () => {
  it("reads multi-document YAML, skipping empty documents, and the objects feed the views", () => {
    const nodeYaml = stringify(v1Node({ name: "gpu-1", gpus: 4 }));
    const path = file("mixed.yaml", `---\n${POD_YAML}---\n---\n${nodeYaml}`);
    const objects = loadKubeObjects(path);
    expect(objects.map((o) => o.kind)).toEqual(["Pod", "Node"]);

    const pod = podRequestFromV1(loadPod(path), clusterTestConfig());
    expect(pod).toMatchObject({
      key: "ml/llama-0",
      gpuCount: 1,
      gpuMemory: { kind: "mib", mib: 20480 },
      resources: { milliCpu: 4000, memoryBytes: 16 * 2 ** 30, pods: 1 },
      tier: 2,
      tenant: "ml",
    });
    const nodes = loadNodes(path);
    expect(nodes.map((n) => nodeViewFromV1(n, clusterTestConfig()).gpus.length)).toEqual([4]);
  });

  it("flattens a NodeList in JSON", () => {
    const list = v1NodeList([v1Node({ name: "a", gpus: 1 }), v1Node({ name: "b", gpus: 2 })]);
    const path = file("nodes.json", JSON.stringify(list, null, 2));
    expect(loadNodes(path).map((n) => n.metadata!.name)).toEqual(["a", "b"]);
  });

  it("flattens a kind: List and a PodList, and a list without kind as kube-scheduler sends it", () => {
    const pods = [v1Pod({ name: "p1" }), v1Pod({ name: "p2" })];
    const path = file(
      "lists.yaml",
      [
        stringify({ apiVersion: "v1", kind: "List", items: [v1Node({ name: "n1" }), pods[0]] }),
        stringify(v1PodList([pods[1]])),
        stringify({ metadata: {}, items: [v1Node({ name: "n2" })] }),
      ].join("---\n"),
    );
    expect(loadPods(path).map((p) => p.metadata!.name)).toEqual(["p1", "p2"]);
    expect(loadNodes(path).map((n) => n.metadata!.name)).toEqual(["n1", "n2"]);
  });

  it("gives no objects for an empty file, and says so when a Pod or Node was needed", () => {
    const path = file("empty.yaml", "");
    expect(loadKubeObjects(path)).toEqual([]);
    expect(loadPods(path)).toEqual([]);
    expect(() => loadPod(path)).toThrow(`${path} holds no Pod (the file holds no objects)`);
    expect(() => loadNodes(file("comments.yaml", "# nothing here\n---\n"))).toThrow("holds no Node");
  });

  it("names the kinds it found when the one asked for is missing, and refuses two pods for loadPod", () => {
    const nodes = file("only-nodes.yaml", stringify(v1NodeList([v1Node({ name: "a" }), v1Node({ name: "b" })])));
    expect(() => loadPod(nodes)).toThrow(`${nodes} holds no Pod (found 2 Node)`);
    const two = file("two-pods.yaml", `${stringify(v1Pod({ name: "a" }))}---\n${stringify(v1Pod({ name: "b" }))}`);
    expect(() => loadPod(two)).toThrow(`${two} holds 2 Pods; give a file with exactly one`);
  });

  it("reports malformed YAML with the document and the line", () => {
    const path = file("bad.yaml", `${POD_YAML}---\nkind: Node\nmetadata:\n  name: [gpu-1\nspec: {}\n`);
    const err = catchError(() => loadKubeObjects(path));
    expect(err).toBeInstanceOf(TierfitError);
    expect(err.code).toBe("TF_ERR_INPUT");
    // The line counts from the top of the file, where an editor puts the cursor.
    const line = POD_YAML.trimEnd().split("\n").length + 5; // then ---, kind, metadata, name, spec

    expect(err.message).toMatch(
      new RegExp(`^${escapeRegExp(path)} document 2 is malformed YAML: .* at line ${line}, column 1`),
    );
    expect(err.message).toContain("name: [gpu-1");
  });

  it("reports malformed JSON with its line, through the YAML parser", () => {
    const path = file("bad.json", '{\n  "kind": "Pod",\n  "metadata": {"name": "x",}\n  "spec": {}\n}\n');
    expect(() => loadKubeObjects(path)).toThrow(/malformed YAML: .*line \d+/);
  });

  it.each<[string, string]>([
    ["scalar.yaml", "just text\n"],
    ["array.json", "[1, 2]"],
    ["item.yaml", "kind: List\nitems:\n  - 42\n"],
  ])("refuses %s, which is not made of objects", (name, text) => {
    const path = file(name, text);
    expect(() => loadKubeObjects(path)).toThrow(/^.* is a (string|list|number), not a Kubernetes object$/);
  });

  it("refuses a Pod without a name", () => {
    const path = file("nameless.yaml", "kind: Pod\nmetadata: {}\nspec: {containers: []}\n");
    expect(() => loadPods(path)).toThrow(`${path} holds a Pod without metadata.name`);
  });

  it("says when the file is missing or a directory", () => {
    expect(() => loadKubeObjects(join(dir, "nope.yaml"))).toThrow(
      `cannot read ${join(dir, "nope.yaml")}: no such file`,
    );
    expect(() => loadKubeObjects(dir)).toThrow(`cannot read ${dir}: it is a directory`);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function catchError(fn: () => unknown): TierfitError {
  try {
    fn();
  } catch (err) {
    return err as TierfitError;
  }
  throw new Error("expected an error");
}
