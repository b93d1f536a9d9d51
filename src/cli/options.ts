/**
 * The flags several commands share, defined once so they read and behave alike everywhere:
 * `-c/--config`, `--redis` (default: $REDIS_URL), `--prefix`, `--log-level`, `-o/--output`.
 */
import { Option } from "commander";

export function configOption(what: string): Option {
  return new Option("-c, --config <file>", `the YAML config file (${what}; default: the built-in defaults)`);
}

/** Redis URL: the flag, else $REDIS_URL, else the config's redis.url. */
export function redisOption(what = "Redis URL"): Option {
  return new Option("--redis <url>", `${what} (default: the config's redis.url; e.g. redis://127.0.0.1:6379)`).env(
    "REDIS_URL",
  );
}

export function prefixOption(): Option {
  return new Option("--prefix <prefix>", "Redis key prefix, overriding the config's redis.keyPrefix");
}

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug"] as const;

export function logLevelOption(): Option {
  return new Option("--log-level <level>", "log level (logs are JSON lines on stderr)")
    .choices(LOG_LEVELS)
    .default("info");
}

/** What `-o/--output` takes: a form for people (a table, text, YAML) or json. */
export type OutputFormat = "table" | "text" | "yaml" | "json";

/** `-o/--output`: `human` for people, json for scripts (the shapes are in the README, "Scripting"). */
export function outputOption(human: Exclude<OutputFormat, "json">, note = ""): Option {
  return new Option("-o, --output <format>", `${human} for people, json for scripts${note}`)
    .choices([human, "json"])
    .default(human);
}
