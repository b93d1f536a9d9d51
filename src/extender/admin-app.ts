/**
 * The extender's admin listener, apart from kube-scheduler's verbs: /metrics for Prometheus,
 * /explain for operators, and the probes. It serves plain HTTP on 127.0.0.1 unless told
 * otherwise. /explain shows pods' tenants, models, UIDs and every node's verdict, so it answers
 * only callers on the loopback interface: someone on the machine, or in a cluster someone whom
 * the API server allowed to port-forward to the extender's pod. Prometheus, admitted to the port
 * to scrape /metrics, gets a 403 there.
 */
import { isIP } from "node:net";
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from "fastify";
import { pino } from "pino";
import { readiness } from "./readiness.js";
import type { ExtenderDeps, ExtenderRuntime } from "./runtime.js";

export { DEFAULT_ADMIN_HOST, DEFAULT_ADMIN_PORT } from "./admin-defaults.js";

/** 127.0.0.0/8, ::1, and IPv4 loopback as an IPv6 listener sees it. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  if (isIP(v4) === 4) return v4.startsWith("127.");
  return address === "::1";
}

/** /healthz and /readyz, on both listeners (the extender's for whoever probes it there). */
export function addProbeRoutes(app: FastifyInstance, deps: ExtenderDeps): void {
  app.get("/healthz", async () => ({ ok: true }));
  app.get("/readyz", async (_request, reply) => {
    const r = readiness(deps);
    return reply.code(r.ready ? 200 : 503).send(r);
  });
}

export function buildAdminApp(rt: ExtenderRuntime): FastifyInstance {
  const options: FastifyServerOptions = {
    loggerInstance: rt.deps.logger ?? pino({ name: "tierfit" }),
    logController: new LogController({ disableRequestLogging: true }),
  };
  const app = Fastify(options) as FastifyInstance;

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({
      Error: `no route ${request.method} ${request.url}; the admin listener serves GET /metrics, /explain/<namespace>/<pod>, /healthz, /readyz`,
    });
  });

  addProbeRoutes(app, rt.deps);

  app.get("/metrics", async (_request, reply) => {
    const text = await rt.metrics.registry.metrics();
    return reply.type(rt.metrics.registry.contentType).send(text);
  });

  app.get<{ Params: { namespace: string; pod: string } }>("/explain/:namespace/:pod", async (request, reply) => {
    const remote = request.socket.remoteAddress;
    if (!isLoopback(remote)) {
      request.log.warn({ remote, url: request.url }, "explain refused to a non-local caller");
      return reply.code(403).send({
        Error: `explain answers local callers only (this one came from ${remote ?? "an unknown address"}): run it on the extender's host, or through kubectl port-forward to the extender's pod`,
      });
    }
    const key = `${request.params.namespace}/${request.params.pod}`;
    const record = rt.recorder.explain(key);
    if (record === undefined) {
      return reply.code(404).send({
        Error: `no decision recorded for pod ${key}: tierfit remembers the last ${rt.recorder.capacity} pods it filtered or prioritized, in at most ${Math.round(rt.recorder.budgetBytes / 2 ** 20)} MiB of node states`,
      });
    }
    return record;
  });

  return app;
}
