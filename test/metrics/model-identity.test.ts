/**
 * Model names as inference servers report them link live demand to pods: vLLM's default names
 * hold `/` (meta-llama/Llama-3.1-8B-Instruct), which a label cannot; pods name their model in the
 * `tierfit.io/model` annotation, or in the label through `demand.modelAliases`. End to end with
 * a real Redis: the bridge writes the server's name as is, `demand show --pods` links it to pods.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { podModel } from "../../src/cluster/pod-model.js";
import { defaultConfig, parseConfig } from "../../src/config/load.js";
import { runCli } from "../cli/run-cli.js";
import { freePort } from "../setup/redis.js";
import { FakeKubeApi } from "../support/fake-kube-api.js";
import { v1Pod } from "../support/kube-objects.js";
import { redisUnavailableReason, testRedisUrl, uniquePrefix } from "../support/redis.js";
import { deleteKeys, fixture, serveRoutes } from "./support.js";

const MODEL = "meta-llama/Llama-3.1-8B-Instruct"; // the model_name in fixtures/vllm.prom
const dir = mkdtempSync(join(tmpdir(), "tierfit-model-identity-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const aliases = parseConfig(`demand:\n  modelAliases:\n    llama-31-8b: ${MODEL}\n`, "aliases.yaml");

describe("podModel", () => {
  it("takes the annotation as written, whatever it holds", () => {
    expect(podModel({ "tierfit.io/model": "other" }, { "tierfit.io/model": MODEL }, defaultConfig())).toBe(MODEL);
  });

  it("maps a label through the aliases, and keeps a label without one as it is", () => {
    expect(podModel({ "tierfit.io/model": "llama-31-8b" }, {}, aliases)).toBe(MODEL);
    expect(podModel({ "tierfit.io/model": "mistral-7b" }, {}, aliases)).toBe("mistral-7b");
    expect(podModel({}, {}, aliases)).toBeNull();
  });
});

const url = testRedisUrl();
if (url === null) console.warn(`skipping model identity tests: ${redisUnavailableReason()}`);

const pod = (name: string, meta: string) =>
  `---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: chat\n${meta}spec:\n  containers: [{ name: c, image: i }]\n`;

describe.skipIf(url === null)("a `/` model name, end to end through Redis", () => {
  let redis: Redis;
  let prefix: string;
  let server: Awaited<ReturnType<typeof serveRoutes>>;
  const saved = process.env.REDIS_URL;

  beforeEach(async () => {
    redis = new Redis(url!);
    prefix = uniquePrefix();
    server = await serveRoutes({ "/vllm": () => fixture("vllm.prom") });
  });

  afterEach(async () => {
    if (saved === undefined) delete process.env.REDIS_URL;
    else process.env.REDIS_URL = saved;
    await deleteKeys(redis, prefix);
    redis.disconnect();
    await server.close();
  });

  it("the bridge keeps the server's name; demand show --pods links it to the pods that name it", async () => {
    // REDIS_URL is honoured: the config points at a dead port, no --redis is given.
    process.env.REDIS_URL = url!;
    const config = join(dir, "config.yaml");
    writeFileSync(
      config,
      `demand:\n  modelAliases:\n    llama-31-8b: ${MODEL}\nredis:\n  url: redis://127.0.0.1:${await freePort()}\n`,
    );
    const b = await runCli(["bridge", "--once", "--scrape", `${server.url}/vllm`, "-c", config, "--prefix", prefix]);
    expect(b.code).toBe(0);
    expect(await redis.hget(`${prefix}model:${MODEL}`, "model")).toBe(MODEL);

    const pods = join(dir, "pods.yaml");
    writeFileSync(
      pods,
      pod("annotated-0", `  annotations:\n    tierfit.io/model: ${MODEL}\n`) +
        pod("aliased-0", "  labels:\n    tierfit.io/model: llama-31-8b\n") +
        pod("unaliased-0", "  labels:\n    tierfit.io/model: llama-3-8b\n") +
        pod("no-model-0", ""),
    );
    const json = await runCli(["demand", "show", "-c", config, "--prefix", prefix, "--pods", pods, "-o", "json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).pods).toEqual({
      linked: { [MODEL]: ["chat/aliased-0", "chat/annotated-0"] },
      withoutDemand: { "llama-3-8b": ["chat/unaliased-0"] },
    });

    const table = await runCli(["demand", "show", "-c", config, "--prefix", prefix, "--pods", pods]);
    expect(table.stdout).toContain(`${MODEL}  yes     chat/aliased-0, chat/annotated-0`);
    expect(table.stdout).toContain("llama-3-8b                        NO      chat/unaliased-0");
  });

  it("demand show --kubeconfig reads the pods from the API server and links them the same way", async () => {
    const api = await FakeKubeApi.start();
    try {
      api.putPod(v1Pod({ name: "annotated-0", namespace: "chat", annotations: { "tierfit.io/model": MODEL } }));
      api.putPod(v1Pod({ name: "aliased-0", namespace: "chat", model: "llama-31-8b" }));
      api.putPod(v1Pod({ name: "unaliased-0", namespace: "chat", model: "llama-3-8b" }));
      api.putPod(v1Pod({ name: "no-model-0", namespace: "chat" }));
      const kubeconfig = join(dir, "kubeconfig");
      writeFileSync(kubeconfig, api.kubeConfig().exportConfig());
      const config = join(dir, "aliases.yaml");
      writeFileSync(config, `demand:\n  modelAliases:\n    llama-31-8b: ${MODEL}\nredis:\n  url: ${url}\n`);
      const b = await runCli(["bridge", "--once", "--scrape", `${server.url}/vllm`, "-c", config, "--prefix", prefix]);
      expect(b.code).toBe(0);
      const show = ["demand", "show", "-c", config, "--prefix", prefix, "--kubeconfig", kubeconfig];
      const json = await runCli([...show, "-o", "json"]);
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout).pods).toEqual({
        linked: { [MODEL]: ["chat/aliased-0", "chat/annotated-0"] },
        withoutDemand: { "llama-3-8b": ["chat/unaliased-0"] },
      });
      expect(api.recorded("GET", /^\/api\/v1\/pods$/)).toHaveLength(1);

      // The API server failing is an unreachable dependency (exit 4), said with its words.
      api.failRequests(1, { method: "GET", path: /^\/api\/v1\/pods$/ }, 403, 'pods is forbidden: User "me"');
      const denied = await runCli(show);
      expect(denied.code).toBe(4);
      expect(denied.stderr).toContain("listing pods from http");
      expect(denied.stderr).toContain('HTTP 403: pods is forbidden: User "me"');
      const both = await runCli([...show, "--pods", kubeconfig]);
      expect(both.code).toBe(1);
    } finally {
      await api.close();
    }
  });

  it("without REDIS_URL the config's dead redis.url is what fails (exit 4)", async () => {
    delete process.env.REDIS_URL;
    const config = join(dir, "dead.yaml");
    writeFileSync(config, `redis:\n  url: redis://127.0.0.1:${await freePort()}\n`);
    const r = await runCli(["demand", "show", "-c", config, "--prefix", prefix]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^tierfit: Redis at redis:\/\/127\.0\.0\.1:\d+ is unreachable/);
  });
});
