/**
 * What a verb handler hands back to the HTTP layer: status, body, and the fields of its one log
 * line. Handlers never touch fastify, so they are plain functions of (runtime, body).
 */
import type { V1Pod } from "@kubernetes/client-node";
import { podClaims } from "../../cluster/dra-pod.js";
import { podRequestFromV1 } from "../../cluster/pod-request.js";
import type { PodRequest } from "../../cluster/types.js";
import type { TierfitConfig } from "../../config/schema.js";
import { clipText, TierfitError } from "../../errors.js";
import type { KubePorts } from "../runtime.js";
import { MalformedRequestError } from "../wire.js";

export type Outcome = "ok" | "error" | "malformed";

export interface VerbReply {
  readonly status: 200 | 400 | 500;
  readonly body: unknown;
  readonly outcome: Outcome;
  /** Fields of the verb's log line (pod, nodes in / passed, winner, …). */
  readonly log: Readonly<Record<string, unknown>>;
  /** Why a bind failed, as a metric label (tierfit_extender_bind_failures_total); else the outcome. */
  readonly failure?: string;
}

export function ok(body: unknown, log: Record<string, unknown>): VerbReply {
  return { status: 200, body, outcome: "ok", log };
}

/** An error kube-scheduler reads from the reply's `Error` field (filter, bind): HTTP 200. */
export function errorInBody(body: unknown, message: string, log: Record<string, unknown>): VerbReply {
  return { status: 200, body, outcome: "error", log: { ...log, error: message } };
}

/**
 * An error for a verb whose reply has no `Error` field (prioritize, preempt), or a request that
 * does not decode: kube-scheduler sees a non-200 and logs "failed <verb> with extender"; the
 * message is in tierfit's own log line and in the body for anyone reading it.
 */
export function rejected(
  status: 400 | 500,
  message: string,
  log: Record<string, unknown>,
  body: unknown = { Error: message },
  outcome: Outcome = status === 400 ? "malformed" : "error",
): VerbReply {
  return { status, body, outcome, log: { ...log, error: message } };
}

/** `namespace/name` of a decoded pod (metadata was checked by the wire decoder). */
export function podKeyOf(pod: V1Pod): string {
  return `${pod.metadata?.namespace}/${pod.metadata?.name}`;
}

/**
 * The core's view of the pod. A pod the API server accepted but tierfit cannot interpret (a bad
 * tierfit annotation) is an operator-facing TierfitError; anything else means the object is not
 * a v1 Pod, which Go would have refused to decode: MalformedRequestError.
 */
export function readPod(pod: V1Pod, config: TierfitConfig): PodRequest {
  try {
    return podRequestFromV1(pod, config);
  } catch (err) {
    if (err instanceof TierfitError) throw err;
    throw new MalformedRequestError(`Pod is not a valid v1 Pod: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * The pod judged by its ResourceClaims, when it asks GPUs through them: looked up in the claim
 * informer's cache, synchronously (the request path never waits on the API server). A claim the
 * cache does not hold yet is a TF_ERR_UNAVAILABLE error: filter answers it in its Error field and
 * prioritize with every node at 0, so kube-scheduler retries the pod rather than judge it as
 * needing no GPU. In --standalone there is no claim cache, and the pod is judged as its spec reads.
 */
export function withPodClaims(
  request: PodRequest,
  pod: V1Pod,
  kube: KubePorts | null,
  config: TierfitConfig,
): PodRequest {
  if (request.draClaims === undefined || kube === null) return request;
  const read = podClaims(
    request,
    pod,
    (namespace, names) => kube.claims.claimsOf(namespace, names),
    config.gpu.draDeviceClasses,
  );
  if (read.missing.length > 0) {
    const verb = read.missing.length === 1 ? "is" : "are";
    throw new TierfitError(
      "TF_ERR_UNAVAILABLE",
      clipText(
        `pod ${request.key}'s ${read.missing.join(", ")} ${verb} not in tierfit's cache yet; kube-scheduler will retry`,
      ),
    );
  }
  return read.request;
}
