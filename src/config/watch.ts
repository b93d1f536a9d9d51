/**
 * Hot reload for `tierfit serve`: the file is read again whenever its directory changes (see
 * volume-watch.ts for why the directory).
 *
 * A file edited in place can be read between two writes: a prefix of YAML often parses, into a
 * different config. So a change is applied only once the file has read the same twice, settleMs
 * apart (1 s by default), with no event between; a writer pausing longer than that mid-file is
 * not told apart from one that finished.
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
  /** How long a changed file must read the same before it is applied. */
  settleMs?: number;
  /** Called with changed text read, before waiting for it to settle (for tests). */
  onSettling?(text: string): void;
}

export const DEFAULT_SETTLE_MS = 1000;

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
  /** Changed text read once, waiting to read the same again settleMs later. */
  let settling: string | null = null;
  let settleTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const reload = (): void => {
    settleTimer = undefined;
    if (closed) return;
    let next: string;
    try {
      next = readConfigText(file);
    } catch (err) {
      settling = null;
      if (seen !== null) handlers.onError(err as Error);
      seen = null;
      return;
    }
    if (next === seen) {
      settling = null;
      return;
    }
    if (next !== settling) {
      settling = next;
      settleTimer = setTimeout(reload, handlers.settleMs ?? DEFAULT_SETTLE_MS);
      handlers.onSettling?.(next);
      return;
    }
    settling = null;
    seen = next;
    try {
      config = parseConfig(next, path);
    } catch (err) {
      handlers.onError(err as Error);
      return;
    }
    handlers.onChange(config);
  };

  const changed = (): void => {
    // Written again: what was read before may not have been the end of it.
    if (settleTimer) clearTimeout(settleTimer);
    settling = null;
    reload();
  };
  const watch = watchFileDirectories([file], changed, (err) => handlers.onError(err), handlers.debounceMs);
  return {
    close: () => {
      closed = true;
      if (settleTimer) clearTimeout(settleTimer);
      watch.close();
    },
    current: () => config,
  };
}
