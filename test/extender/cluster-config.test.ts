/**
 * Which cluster `serve` watches, and the one line it says when there is none it can use (instead
 * of relisting forever against the client's http://localhost:8080 fallback).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadClusterConfig } from "../../src/extender/cluster-config.js";

const ADVICE =
  "run tierfit serve --kubeconfig FILE, or --standalone to serve full-Nodes filter/prioritize without the API";

function kubeconfig(server: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: lab\n  cluster:\n    server: ${server}`,
    "users:",
    "- name: me\n  user:\n    token: t",
    "contexts:",
    "- name: lab\n  context:\n    cluster: lab\n    user: me",
    "current-context: lab",
    "",
  ].join("\n");
}

describe("loadClusterConfig", () => {
  let home = "";
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), "tierfit-home-"));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it("says what it looked for when no cluster is configured", () => {
    expect(() => loadClusterConfig(undefined, { env: {}, home })).toThrow(
      `no Kubernetes API to watch: KUBECONFIG unset, no ${join(home, ".kube", "config")}, not in a pod (KUBERNETES_SERVICE_HOST unset); ${ADVICE}`,
    );
  });

  it("refuses a plain-HTTP server in one line rather than relisting on the client's refusal", () => {
    const file = join(home, "http.yaml");
    writeFileSync(file, kubeconfig("http://localhost:8080"));
    expect(() => loadClusterConfig(file, { env: {}, home })).toThrow(
      `--kubeconfig ${file}: cluster lab is served over plain HTTP (http://localhost:8080), which @kubernetes/client-node refuses unless insecure-skip-tls-verify is set; ${ADVICE}`,
    );
  });

  it("uses --kubeconfig first, then KUBECONFIG, then ~/.kube/config", () => {
    const flag = join(home, "flag.yaml");
    const fromEnv = join(home, "env.yaml");
    mkdirSync(join(home, ".kube"));
    writeFileSync(flag, kubeconfig("https://flag.example:6443"));
    writeFileSync(fromEnv, kubeconfig("https://env.example:6443"));
    writeFileSync(join(home, ".kube", "config"), kubeconfig("https://home.example:6443"));
    const server = (file: string | undefined, env: NodeJS.ProcessEnv) =>
      loadClusterConfig(file, { env, home }).getCurrentCluster()?.server;
    expect(server(flag, { KUBECONFIG: fromEnv })).toBe("https://flag.example:6443");
    expect(server(undefined, { KUBECONFIG: fromEnv })).toBe("https://env.example:6443");
    expect(server(undefined, {})).toBe("https://home.example:6443");
  });
});
