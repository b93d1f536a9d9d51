/**
 * The extender's HTTP app: kube-scheduler's verbs (filter, prioritize, bind, preempt) plus
 * health and readiness (metrics and explanations are on the admin listener, admin-app.ts).
 * Verb handlers are plain functions in verbs/;
 * this file maps them onto fastify: timing, one log line per decision, and error bodies that
 * are always JSON with an `Error` field, never a 5xx for anything a client sent.
 */
import { performance } from "node:perf_hooks";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions, LogController } from "fastify";
import { pino } from "pino";
import { clipText } from "../errors.js";
import { addProbeRoutes } from "./admin-app.js";
import { DEFAULT_BODY_LIMIT } from "./body-limit.js";
import { installJsonBodyParser } from "./json-body.js";
import type { Verb } from "./metrics.js";
import { JsonReply } from "./reply-json.js";
import { createRuntime, type ExtenderDeps, type ExtenderRuntime } from "./runtime.js";
import { httpsServerOptions } from "./tls.js";
import { bindVerb } from "./verbs/bind.js";
import { filterErrorResult, filterVerb } from "./verbs/filter.js";
import { preemptVerb } from "./verbs/preempt.js";
import { prioritizeVerb } from "./verbs/prioritize.js";
import type { VerbReply } from "./verbs/reply.js";

export type { ExtenderDeps } from "./runtime.js";

/** What fastify itself sends for an object reply. */
const JSON_TYPE = "application/json; charset=utf-8";

type VerbHandler = (rt: ExtenderRuntime, body: unknown) => VerbReply | Promise<VerbReply>;

const VERBS: Record<Verb, VerbHandler> = {
  filter: filterVerb,
  prioritize: prioritizeVerb,
  bind: bindVerb,
  preempt: preemptVerb,
};

/** The error body a verb's client can decode: filter's full result shape, `{Error}` elsewhere. */
function errorBody(verb: Verb | undefined, message: string): unknown {
  return verb === "filter" ? filterErrorResult(message) : { Error: message };
}

/**
 * A bug inside a verb. Filter and bind replies carry `Error`, which kube-scheduler reads and
 * reports on the pod, so they answer 200; prioritize and preempt have nowhere to put it.
 */
function internalError(verb: Verb, err: unknown): VerbReply {
  const message = clipText(`tierfit ${verb} failed: ${err instanceof Error ? err.message : String(err)}`);
  const reportable = verb === "filter" || verb === "bind";
  return {
    status: reportable ? 200 : 500,
    body: errorBody(verb, message),
    outcome: "error",
    // The stack, not the error object: its message may quote a caller's megabytes.
    log: { error: message, stack: clipText(err instanceof Error ? (err.stack ?? "") : "") },
  };
}

function verbOfUrl(url: string | undefined): Verb | undefined {
  const name = url?.replace(/^\//, "");
  return name !== undefined && name in VERBS ? (name as Verb) : undefined;
}

/** Pass `rt` to share its metrics and decisions with an admin app (buildAdminApp). */
export function buildExtenderApp(deps: ExtenderDeps, rt: ExtenderRuntime = createRuntime(deps)): FastifyInstance {
  let nextId = 0;
  const options: FastifyServerOptions = {
    loggerInstance: deps.logger ?? pino({ name: "tierfit" }),
    bodyLimit: deps.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // The decision line below replaces fastify's two lines per request.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: "x-request-id",
    genReqId: () => `req-${(++nextId).toString(36)}`,
  };
  // fastify types an HTTPS app as a different instance type; the routes are the same.
  const withTls = deps.tls ? ({ ...options, https: httpsServerOptions(deps.tls) } as FastifyServerOptions) : options;
  const app = Fastify(withTls) as FastifyInstance;

  installJsonBodyParser(app);

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const verb = verbOfUrl(request.routeOptions.url);
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const message = clipText(`${verb ?? "request"}: ${err.message}`);
      request.log.warn({ verb, status, error: message }, "request rejected");
      return reply.code(status).send(errorBody(verb, message));
    }
    request.log.error({ verb, error: clipText(err.message), stack: clipText(err.stack ?? "") }, "request failed");
    return reply.code(500).send(errorBody(verb, clipText(`tierfit: ${err.message}`)));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({
      Error: `no route ${request.method} ${request.url}; tierfit serves POST /filter, /prioritize, /bind, /preempt`,
    });
  });

  for (const [verb, handler] of Object.entries(VERBS) as [Verb, VerbHandler][]) {
    app.post(`/${verb}`, async (request, reply) => {
      const started = performance.now();
      let result: VerbReply;
      try {
        result = await handler(rt, request.body);
      } catch (err) {
        result = internalError(verb, err);
      }
      const seconds = (performance.now() - started) / 1000;
      rt.metrics.requestSeconds.observe({ verb, outcome: result.outcome }, seconds);
      if (verb === "bind" && result.outcome !== "ok") rt.metrics.recordBindFailure(result.failure ?? result.outcome);
      // Copied, not spread: V8 builds a new hidden class for every object spread with keys added
      // after it, on every request.
      const line: Record<string, unknown> = Object.assign({ verb }, result.log);
      line.outcome = result.outcome;
      line.durationMs = Math.round(seconds * 1e5) / 100;
      if (result.outcome === "ok") request.log.info(line, "decision");
      else if (result.status === 500) request.log.error(line, "decision failed");
      else request.log.warn(line, "decision failed");
      if (result.body instanceof JsonReply) return reply.code(result.status).type(JSON_TYPE).send(result.body.bytes);
      return reply.code(result.status).send(result.body);
    });
  }

  addProbeRoutes(app, deps);

  return app;
}
