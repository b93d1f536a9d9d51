/**
 * Scrape targets by label selector: `bridge --discover SELECTOR:PORT[/PATH]` lists the pods the
 * selector matches through the Kubernetes API (the local fake API server) and scrapes each
 * running one at its pod IP, on its node; end to end with a real Redis.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { V1Pod } from "@kubernetes/client-node";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { Bridge } from "../../src/metrics/bridge/bridge.js";
import { discoverTargets, parseDiscovery } from "../../src/metrics/bridge/discovery.js";
import type { BridgeTarget } from "../../src/metrics/bridge/targets.js";
import { redisKeys } from "../../src/metrics/redis-schema.js";
import { runCli } from "../cli/run-cli.js";
import { FakeKubeApi } from "../support/fake-kube-api.js";
import { v1Pod } from "../support/kube-objects.js";
import { redisUnavailableReason, testRedisUrl, uniquePrefix } from "../support/redis.js";
import { captureLogger, deleteKeys, fixture, serveRoutes } from "./support.js";

const dir = mkdtempSync(join(tmpdir(), "tierfit-discovery-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A pod running on `node` at `ip`, with these labels. */
function running(name: string, node: string, ip: string, labels: Record<string, string>): V1Pod {
  const pod = v1Pod({ name, namespace: "inference", nodeName: node, labels });
  return { ...pod, status: { ...pod.status, phase: "Running", podIP: ip } };
}

describe("parseDiscovery", () => {
  it("reads SELECTOR:PORT[/PATH], the last colon ending the selector, /metrics by default", () => {
    expect(parseDiscovery("app.kubernetes.io/name=vllm,tier!=test:8000")).toEqual({
      selector: "app.kubernetes.io/name=vllm,tier!=test",
      port: 8000,
      path: "/metrics",
    });
    expect(parseDiscovery("app=dcgm:9400/x/metrics").path).toBe("/x/metrics");
    for (const bad of ["app=vllm", ":8000", "app=vllm:0", "app=vllm:http", "app=vllm:70000"]) {
      expect(() => parseDiscovery(bad), bad).toThrow(/is not SELECTOR:PORT\[\/PATH\]/);
    }
  });
});

describe("discoverTargets", () => {
  it("one target per running pod with an IP, on its node; pending pods and duplicates left out", async () => {
    const pods: Record<string, V1Pod[]> = {
      "app=vllm": [
        running("vllm-0", "gpu-a", "10.1.0.7", { app: "vllm" }),
        running("vllm-1", "gpu-b", "fd00::9", { app: "vllm" }),
        v1Pod({ name: "vllm-2", labels: { app: "vllm" } }),
      ],
      "role=server": [running("vllm-0", "gpu-a", "10.1.0.7", { app: "vllm", role: "server" })],
    };
    const rules = [parseDiscovery("app=vllm:8000"), parseDiscovery("role=server:8000")];
    expect(await discoverTargets(rules, async (s) => pods[s] ?? [])).toEqual([
      { url: "http://10.1.0.7:8000/metrics", node: "gpu-a" },
      { url: "http://[fd00::9]:8000/metrics", node: "gpu-b" },
    ]);
  });
});

const url = testRedisUrl();
if (url === null) console.warn(`skipping bridge discovery tests: ${redisUnavailableReason()}`);

describe.skipIf(url === null)("bridge --discover against the API server", () => {
  let redis: Redis;
  let prefix: string;
  let api: FakeKubeApi;
  let server: Awaited<ReturnType<typeof serveRoutes>>;

  beforeEach(async () => {
    redis = new Redis(url!);
    prefix = uniquePrefix();
    api = await FakeKubeApi.start();
    server = await serveRoutes({ "/metrics": () => fixture("vllm.prom") });
  });

  afterEach(async () => {
    await deleteKeys(redis, prefix);
    redis.disconnect();
    await server.close();
    await api.close();
  });

  it("scrapes the pods the selector matches, at their IPs, on their nodes", async () => {
    api.putPod(running("vllm-0", "gpu-a", "127.0.0.1", { app: "vllm" }));
    api.putPod(running("other-0", "gpu-b", "127.0.0.2", { app: "other" }));
    const kubeconfig = join(dir, "kubeconfig");
    writeFileSync(kubeconfig, api.kubeConfig().exportConfig());
    const port = new URL(server.url).port;
    const args = ["bridge", "--once", "--redis", url!, "--prefix", prefix, "--kubeconfig", kubeconfig];
    const r = await runCli([...args, "--discover", `app=vllm:${port}`, "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const round = JSON.parse(r.stdout);
    expect(round.scraped).toEqual([`http://127.0.0.1:${port}/metrics`]);
    expect(round.failed).toEqual([]);
    expect(round.models).toBe(1);
    // The server's load is written under the pod's node, which its series do not name.
    const nodes = await redis.hget(`${prefix}model:meta-llama/Llama-3.1-8B-Instruct`, "nodes");
    expect(Object.keys(JSON.parse(nodes ?? "{}"))).toEqual(["gpu-a"]);
    expect(api.recorded("GET", /^\/api\/v1\/pods$/)).toHaveLength(1);

    // Neither --scrape nor --discover: a usage error.
    expect((await runCli(["bridge", "--once", "--redis", url!, "--prefix", prefix])).code).toBe(1);
  });

  it("keeps scraping what it found last while the API server does not answer, and scrapes a listed URL once", async () => {
    const log = captureLogger();
    const found = { url: `${server.url}/metrics`, node: "gpu-a" };
    const missing = `${server.url}/missing`;
    const answers: (() => Promise<BridgeTarget[]>)[] = [
      async () => [found, { url: missing, node: "gpu-b" }],
      async () => {
        throw new Error("HTTP 503: the API server is restarting");
      },
    ];
    const bridge = new Bridge({
      targets: [
        { url: found.url, node: null },
        { url: `${server.url}/missing`, node: null },
      ],
      discover: () => answers.shift()!(),
      redis,
      keys: redisKeys(prefix),
      config: { telemetryTtlSeconds: 600, historyTtlSeconds: 3600, historyLength: 100, historySampleSeconds: 60 },
      logger: log.logger,
      scrapeTimeoutMs: 2000,
    });
    // `missing` is listed and discovered: scraped once, as listed.
    const first = await bridge.runRound();
    expect([first.scraped, first.failed.map((f) => f.url)]).toEqual([[found.url], [missing]]);
    const second = await bridge.runRound();
    expect([second.scraped, second.failed.map((f) => f.url)]).toEqual([[found.url], [missing]]);
    expect(log.lines.some((l) => l.msg === "discovering scrape targets failed; scraping those found last time")).toBe(
      true,
    );
  });
});
