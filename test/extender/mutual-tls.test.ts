/**
 * Mutual TLS as kube-scheduler's extender tlsConfig speaks it: with a client CA, every verb is
 * refused in the handshake to a client without a certificate that CA signed, and served to one
 * with; rotated files take effect for new connections without a restart.
 */
import { rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import type { AddressInfo } from "node:net";
import type { Server as TlsServer } from "node:tls";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TierfitError } from "../../src/errors.js";
import { readTlsFiles, reloadTlsOnChange, tlsPathsOf } from "../../src/extender/tls.js";
import { clientCert, type Pem, serverCert, testCa, writeFiles } from "../support/test-certs.js";
import { type Harness, makeHarness } from "./harness.js";
import { gpuNode, gpuPod } from "./objects.js";

const POD = gpuPod({ name: "llm-0", gpuMemory: "20Gi", tier: "sandboxed" });
const NODES = [gpuNode({ name: "node-a", tier: "sandboxed" })];
const BODIES: Record<string, unknown> = {
  filter: { Pod: POD, NodeNames: ["node-a"] },
  prioritize: { Pod: POD, NodeNames: ["node-a"] },
  bind: { PodName: "llm-0", PodNamespace: "default", PodUID: "uid-llm-0", Node: "node-a" },
  preempt: { Pod: POD, NodeNameToVictims: {}, NodeNameToMetaVictims: { "node-a": { Pods: [], NumPDBViolations: 0 } } },
};
const VERBS = Object.keys(BODIES);

interface Reply {
  readonly status: number;
  readonly body: string;
}

/** POSTs over HTTPS, trusting `serverCa`, presenting `client` if given. */
function post(port: number, path: string, body: unknown, serverCa: string, client?: Pem): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: "POST",
        servername: "localhost",
        ca: serverCa,
        ...(client ? { cert: client.cert, key: client.key } : {}),
        agent: false,
        headers: { "content-type": "application/json" },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

/** What the client sees when the server refuses it in the handshake. */
const REFUSED = /certificate required|unknown ca|ECONNRESET|socket hang up/;

let ca: Pem;
let otherCa: Pem;
let server: Pem;
let scheduler: Pem;
let stranger: Pem;
let files: ReturnType<typeof writeFiles<"tls.crt" | "tls.key" | "ca.crt">>;
let h: Harness;
let port: number;

beforeAll(async () => {
  ca = await testCa("tierfit test CA");
  otherCa = await testCa("another CA");
  server = await serverCert(ca);
  scheduler = await clientCert(ca, "tierfit-scheduler");
  stranger = await clientCert(otherCa, "tierfit-scheduler");
  files = writeFiles({ "tls.crt": server.cert, "tls.key": server.key, "ca.crt": ca.cert });
  const tls = readTlsFiles({
    cert: files.paths["tls.crt"],
    key: files.paths["tls.key"],
    clientCa: files.paths["ca.crt"],
  });
  h = makeHarness({ nodes: NODES, apiPods: [POD], tls });
  await h.app.listen({ port: 0, host: "127.0.0.1" });
  port = (h.app.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await h?.app.close();
  if (files) rmSync(files.dir, { recursive: true, force: true });
});

describe("serve with --tls-client-ca", () => {
  it.each(VERBS)("refuses /%s to a client without a certificate, before reading the request", async (verb) => {
    await expect(post(port, `/${verb}`, BODIES[verb], ca.cert)).rejects.toThrow(REFUSED);
  });

  it.each(VERBS)("refuses /%s to a client whose certificate another CA signed", async (verb) => {
    await expect(post(port, `/${verb}`, BODIES[verb], ca.cert, stranger)).rejects.toThrow(REFUSED);
  });

  it("ran no verb for the refused clients", () => {
    expect(h.binds).toEqual([]);
    expect(h.podLookups).toEqual([]);
    expect(h.logs.filter((l) => l.msg === "decision" || l.msg === "decision failed")).toEqual([]);
  });

  it("serves every verb to kube-scheduler's certificate", async () => {
    const filter = await post(port, "/filter", BODIES.filter, ca.cert, scheduler);
    expect(filter.status).toBe(200);
    expect(JSON.parse(filter.body).NodeNames).toEqual(["node-a"]);
    const prioritize = await post(port, "/prioritize", BODIES.prioritize, ca.cert, scheduler);
    expect([prioritize.status, JSON.parse(prioritize.body)[0].Host]).toEqual([200, "node-a"]);
    const preempt = await post(port, "/preempt", BODIES.preempt, ca.cert, scheduler);
    expect([preempt.status, Object.keys(JSON.parse(preempt.body).NodeNameToMetaVictims)]).toEqual([200, ["node-a"]]);
    const bind = await post(port, "/bind", BODIES.bind, ca.cert, scheduler);
    expect([bind.status, JSON.parse(bind.body)]).toEqual([200, { Error: "" }]);
    expect(h.binds.map((b) => `${b.target.podNamespace}/${b.target.podName} -> ${b.target.node}`)).toEqual([
      "default/llm-0 -> node-a",
    ]);
  });

  it("takes rotated files for new connections: a new client CA refuses the old one's clients", async () => {
    const logs: Record<string, unknown>[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => logs.push(JSON.parse(line)) });
    const paths = { cert: files.paths["tls.crt"], key: files.paths["tls.key"], clientCa: files.paths["ca.crt"] };
    const watch = reloadTlsOnChange(h.app.server as unknown as TlsServer, paths, readTlsFiles(paths), logger, 20);
    try {
      const rotated = await testCa("tierfit test CA, rotated");
      const rotatedScheduler = await clientCert(rotated, "tierfit-scheduler");
      // A broken file (a rotation caught half-way) is logged and the previous set kept.
      writeFileSync(paths.clientCa, "not a certificate");
      await vi.waitFor(() =>
        expect(logs.map((l) => l.msg)).toContain("TLS files changed but cannot be used; keeping the previous ones"),
      );
      expect((await post(port, "/filter", BODIES.filter, ca.cert, scheduler)).status).toBe(200);

      writeFileSync(paths.clientCa, rotated.cert);
      await vi.waitFor(() => expect(logs.map((l) => l.msg)).toContain("TLS certificates reloaded"));
      expect((await post(port, "/filter", BODIES.filter, ca.cert, rotatedScheduler)).status).toBe(200);
      await expect(post(port, "/filter", BODIES.filter, ca.cert, scheduler)).rejects.toThrow(REFUSED);
      expect(logs.some((l) => l.msg === "TLS client refused")).toBe(true);
    } finally {
      watch.close();
    }
  });
});

describe("TLS flags and files", () => {
  it("wants a certificate and key with a client CA, and both or neither", () => {
    expect(tlsPathsOf({})).toBeUndefined();
    expect(() => tlsPathsOf({ tlsClientCa: "ca.crt" })).toThrow(
      "--tls-client-ca needs --tls-cert and --tls-key: client certificates are checked only over HTTPS",
    );
    expect(() => tlsPathsOf({ tlsCert: "tls.crt" })).toThrow("--tls-cert and --tls-key go together");
    expect(tlsPathsOf({ tlsCert: "a", tlsKey: "b", tlsClientCa: "c" })).toEqual({ cert: "a", key: "b", clientCa: "c" });
  });

  it("refuses a key that is not the certificate's, naming the files", async () => {
    const other = await serverCert(ca);
    const mismatch = writeFiles({ "tls.crt": server.cert, "tls.key": other.key });
    try {
      const err = (() => {
        try {
          readTlsFiles({ cert: mismatch.paths["tls.crt"], key: mismatch.paths["tls.key"] });
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(TierfitError);
      expect((err as Error).message).toMatch(
        /^the TLS files \(certificate .*tls\.crt, key .*tls\.key\) do not make a usable TLS setup: .*key values mismatch/,
      );
    } finally {
      rmSync(mismatch.dir, { recursive: true, force: true });
    }
  });
});
