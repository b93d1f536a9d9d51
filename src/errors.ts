/**
 * Operator-facing errors: a code from one catalogue, a message a person can act on, and the
 * exit code the CLI returns. Programmer errors stay ordinary exceptions.
 */
export const ERROR_CODES = {
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
