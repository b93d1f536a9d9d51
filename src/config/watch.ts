/**
 * Hot reload for `tierfit serve`: the file is read again whenever its directory changes (see
 * volume-watch.ts for why the directory).
 */
import { resolve } from "node:path";
import { parseConfig, readConfigText } from "./load.js";
import type { TierfitConfig } from "./schema.js";
import { watchFileDirectories } from "./volume-watch.js";

export interface ConfigWatchHandlers {
  /** A new valid config, already in effect for `current()`. */
  onChange(config: TierfitConfig): void;
  /** The file changed but is invalid or unreadable; the previous config stays in effect. */
  onError(err: Error): void;
  /** Quiet time before re-reading, so an editor's or kubelet's burst of events is read once. */
  debounceMs?: number;
}

export interface ConfigWatcher {
  close(): void;
  current(): TierfitConfig;
}

/** Loads `path` now (throwing if it is invalid) and reloads it whenever its directory changes. */
export function watchConfig(path: string, handlers: ConfigWatchHandlers): ConfigWatcher {
  const file = resolve(path);
  let seen: string | null = readConfigText(path);
  let config = parseConfig(seen, path);
  // `seen` is the last text acted on, valid or not: unchanged content after an event is not news.
  const reload = (): void => {
    let next: string;
    try {
      next = readConfigText(file);
    } catch (err) {
      if (seen !== null) handlers.onError(err as Error);
      seen = null;
      return;
    }
    if (next === seen) return;
    seen = next;
    try {
      config = parseConfig(next, path);
    } catch (err) {
      handlers.onError(err as Error);
      return;
    }
    handlers.onChange(config);
  };

  const watch = watchFileDirectories([file], reload, (err) => handlers.onError(err), handlers.debounceMs);
  return {
    close: () => watch.close(),
    current: () => config,
  };
}
