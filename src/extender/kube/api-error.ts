/**
 * The API server's own words for a failed request. client-node 1.x throws an ApiException whose
 * `body` is the raw response text (a v1 Status); network failures are plain errors.
 */
import type { ApiFailure } from "../ports.js";

interface ApiExceptionLike {
  readonly code: number;
  readonly body?: unknown;
}

function isApiException(err: unknown): err is ApiExceptionLike {
  return typeof err === "object" && err !== null && typeof (err as { code?: unknown }).code === "number";
}

/** The bind-failures counter's word for a failed API call (ports.ts ApiFailure). */
export function apiFailure(err: unknown): ApiFailure {
  const status = apiStatusCode(err);
  if (status === null) {
    const code = (err as { code?: unknown } | null)?.code;
    return code === "ETIMEDOUT" ? "timeout" : "unreachable";
  }
  if (status === 409) return "conflict";
  if (status === 404) return "not-found";
  if (status === 401 || status === 403) return "forbidden";
  if (status === 408 || status === 504) return "timeout";
  return status >= 500 ? "server-error" : "refused";
}

/** HTTP status of an API failure, or null for a network error. */
export function apiStatusCode(err: unknown): number | null {
  return isApiException(err) ? err.code : null;
}

/** "HTTP 409: Operation cannot be fulfilled on pods/binding ..." or the network error's message. */
export function apiErrorMessage(err: unknown): string {
  if (!isApiException(err)) return err instanceof Error ? err.message : String(err);
  return `HTTP ${err.code}: ${statusMessage(err.body) ?? "no message from the API server"}`;
}

function statusMessage(body: unknown): string | null {
  let parsed = body;
  if (typeof body === "string") {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.trim() || null;
    }
  }
  if (typeof parsed === "object" && parsed !== null && typeof (parsed as { message?: unknown }).message === "string") {
    return (parsed as { message: string }).message;
  }
  return null;
}
