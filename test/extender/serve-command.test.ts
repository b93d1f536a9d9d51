import { afterEach, describe, expect, it, vi } from "vitest";
import { buildProgram, main } from "../../src/cli/main.js";

afterEach(() => {
  vi.restoreAllMocks();
});

function captureStderr(): string[] {
  const out: string[] = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  return out;
}

describe("tierfit serve", () => {
  it("documents every option", async () => {
    const serve = (await buildProgram("serve")).commands.find((c) => c.name() === "serve");
    expect(serve?.description()).toMatch(/kube-scheduler extender/);
    const options = serve?.options.map((o) => [o.long, o.description.length > 10]);
    expect(serve?.options.find((o) => o.long === "--config")?.short).toBe("-c");
    expect(serve?.options.find((o) => o.long === "--redis")?.envVar).toBe("REDIS_URL");
    expect(options).toEqual([
      ["--config", true],
      ["--log-level", true],
      ["--port", true],
      ["--host", true],
      ["--kubeconfig", true],
      ["--standalone", true],
      ["--tls-cert", true],
      ["--tls-key", true],
      ["--tls-client-ca", true],
      ["--admin-port", true],
      ["--admin-host", true],
      ["--redis", true],
      ["--no-redis", true],
    ]);
  });

  it("says in one line which kubeconfig it could not load, and what to run instead", async () => {
    const stderr = captureStderr();
    expect(await main(["node", "tierfit", "serve", "--no-redis", "--kubeconfig", "does/not/exist.yaml"])).toBe(4);
    expect(stderr.join("")).toBe(
      "tierfit: cannot load --kubeconfig does/not/exist.yaml: no such file; run tierfit serve --kubeconfig FILE, or --standalone to serve full-Nodes filter/prioritize without the API\n",
    );
  }, 90_000); // serve imports the whole extender first, which is slow on a loaded machine

  it("refuses half a TLS setup with an operator error, before starting anything", async () => {
    const stderr = captureStderr();
    expect(await main(["node", "tierfit", "serve", "--standalone", "--tls-cert", "cert.pem"])).toBe(2);
    expect(stderr.join("")).toBe(
      "tierfit: --tls-cert and --tls-key go together: give both to serve HTTPS, or neither\n",
    );
  });

  it("refuses a client CA without a server certificate", async () => {
    const stderr = captureStderr();
    expect(await main(["node", "tierfit", "serve", "--standalone", "--tls-client-ca", "ca.crt"])).toBe(2);
    expect(stderr.join("")).toBe(
      "tierfit: --tls-client-ca needs --tls-cert and --tls-key: client certificates are checked only over HTTPS\n",
    );
  });

  it("refuses a TLS file it cannot read, naming it", async () => {
    const stderr = captureStderr();
    const code = await main([
      "node",
      "tierfit",
      "serve",
      "--standalone",
      "--tls-cert",
      "test/extender/no-such-cert.pem",
      "--tls-key",
      "test/extender/no-such-key.pem",
    ]);
    expect(code).toBe(2);
    expect(stderr.join("")).toMatch(
      /^tierfit: cannot read the TLS certificate test\/extender\/no-such-cert\.pem: ENOENT/,
    );
  });

  it("refuses a port that is not one", async () => {
    const stderr = captureStderr();
    expect(await main(["node", "tierfit", "serve", "--port", "http"])).toBe(1);
    expect(stderr.join("")).toMatch(/a port is an integer from 0 to 65535/);
  });
});
