/**
 * Operator-facing errors: a code from one catalogue, a message a person can act on, and the
 * exit code the CLI returns. Programmer errors stay ordinary exceptions.
 */
export const ERROR_CODES = {
  TF_ERR_USAGE: 1, // flags that do not go together, or a required one missing
  TF_ERR_INPUT: 2, // a file the operator gave is missing, unreadable or not what was expected
  TF_ERR_CONFIG: 3, // the config file is invalid
  TF_ERR_QUANTITY: 2, // a Kubernetes quantity does not parse
  TF_ERR_UNAVAILABLE: 4, // a service tierfit needs (Redis, the API server) cannot be reached
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class TierfitError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = "TierfitError";
    this.code = code;
  }
  get exitCode(): number {
    return ERROR_CODES[this.code];
  }
}

/**
 * Longest message the extender puts in a reply or a log line. Messages quote what a caller sent;
 * cut here, a 50 MB value can never make a 50 MB line.
 */
export const MAX_MESSAGE_CHARS = 2000;

/** `text` cut to `max` characters, saying how long it was. */
export function clipText(text: string, max = MAX_MESSAGE_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length.toLocaleString("en-US")} characters)`;
}
