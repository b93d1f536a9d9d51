/**
 * Kubernetes objects from a file an operator gives (`tierfit explain`, tests): YAML with any
 * number of documents, or JSON; `kind: List`, `NodeList`, `PodList` are flattened. Errors say
 * which file, which document and, for malformed YAML, which line.
 */
import { readFileSync } from "node:fs";
import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { TierfitError } from "../errors.js";
import { isObject, type JsonObject } from "./v1-fields.js";

export function loadKubeObjects(path: string): Record<string, unknown>[] {
  const objects: JsonObject[] = [];
  parseDocuments(readText(path), path).forEach((doc, i) => {
    if (doc !== null && doc !== undefined) flatten(doc, `${path} document ${i + 1}`, objects);
  });
  return objects;
}

/** Exactly one Pod (other kinds in the file are ignored). */
export function loadPod(path: string): V1Pod {
  const objects = loadKubeObjects(path);
  const pods = ofKind(objects, "Pod", path);
  if (pods.length === 0) throw new TierfitError("TF_ERR_INPUT", `${path} holds no Pod (${found(objects)})`);
  if (pods.length > 1) {
    throw new TierfitError("TF_ERR_INPUT", `${path} holds ${pods.length} Pods; give a file with exactly one`);
  }
  return pods[0] as V1Pod;
}

/** Every Node in the file; at least one. */
export function loadNodes(path: string): V1Node[] {
  const objects = loadKubeObjects(path);
  const nodes = ofKind(objects, "Node", path);
  if (nodes.length === 0) throw new TierfitError("TF_ERR_INPUT", `${path} holds no Node (${found(objects)})`);
  return nodes as V1Node[];
}

/** Every Pod in the file; none is fine. */
export function loadPods(path: string): V1Pod[] {
  return ofKind(loadKubeObjects(path), "Pod", path) as V1Pod[];
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (err as Error).message;
    throw new TierfitError("TF_ERR_INPUT", `cannot read ${path}: ${why}`);
  }
}

function parseDocuments(text: string, path: string): unknown[] {
  const start = text.trimStart()[0];
  if (start === "{" || start === "[") {
    try {
      return [JSON.parse(text)];
    } catch {
      // YAML is a superset of JSON and reports the line of the mistake.
    }
  }
  const docs = parseAllDocuments(text);
  docs.forEach((doc, i) => {
    const error = doc.errors[0];
    if (error) throw new TierfitError("TF_ERR_INPUT", `${path} document ${i + 1} is malformed YAML: ${error.message}`);
  });
  return docs.map((doc) => doc.toJS());
}

function flatten(doc: unknown, where: string, out: JsonObject[]): void {
  if (!isObject(doc)) {
    const what = Array.isArray(doc) ? "a list" : `a ${typeof doc}`;
    throw new TierfitError("TF_ERR_INPUT", `${where} is ${what}, not a Kubernetes object`);
  }
  const isList = typeof doc.kind === "string" ? doc.kind.endsWith("List") : doc.kind === undefined;
  if (isList && Array.isArray(doc.items)) {
    doc.items.forEach((item, i) => {
      flatten(item, `${where} item ${i + 1}`, out);
    });
    return;
  }
  out.push(doc);
}

function ofKind(objects: readonly JsonObject[], kind: string, path: string): JsonObject[] {
  const matching = objects.filter((o) => o.kind === kind);
  for (const o of matching) {
    if (!isObject(o.metadata) || typeof o.metadata.name !== "string" || o.metadata.name === "") {
      throw new TierfitError("TF_ERR_INPUT", `${path} holds a ${kind} without metadata.name`);
    }
  }
  return matching;
}

/** "found 2 Node, 1 Deployment" or "the file holds no objects". */
function found(objects: readonly JsonObject[]): string {
  if (objects.length === 0) return "the file holds no objects";
  const counts = new Map<string, number>();
  for (const o of objects) {
    const kind = typeof o.kind === "string" ? o.kind : "object without kind";
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return `found ${[...counts].map(([k, n]) => `${n} ${k}`).join(", ")}`;
}
