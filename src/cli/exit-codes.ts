/** The exit codes every command keeps to, for scripts; `tierfit --help` and the README list them. */
export const EXIT = {
  ok: 0,
  usage: 1,
  badInput: 2,
  invalidConfig: 3,
  unavailable: 4,
  noNodeFits: 5,
  internal: 70,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0   done
  1   usage: an unknown command or option, a missing argument, flags that do not go together
  2   bad input: a value or file given is malformed, missing, unreadable or not what was expected
  3   invalid config: the config file has problems (each is listed with its line)
  4   a dependency is unreachable: Redis or the Kubernetes API server
  5   explain: no node fits the pod (the explanation is still printed)
  70  internal error (a bug: please report it with the message)`;
