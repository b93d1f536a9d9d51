/**
 * The API server's own words for a failed request. client-node 1.x throws an ApiException whose
 * `body` is the raw response text (a v1 Status); network failures are plain errors.
 */
interface ApiExceptionLike {
  readonly code: number;
  readonly body?: unknown;
}

function isApiException(err: unknown): err is ApiExceptionLike {
  return typeof err === "object" && err !== null && typeof (err as { code?: unknown }).code === "number";
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
