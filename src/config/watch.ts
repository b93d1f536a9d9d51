/**
 * Hot reload for `tierfit serve`. The file's *directory* is watched, not the file: a Kubernetes
 * ConfigMap volume updates by writing a new timestamped directory and swapping the `..data`
 * symlink, so the file's inode changes and a watch on the file itself would go silent.
 */
import { type FSWatcher, watch } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseConfig, readConfigText } from "./load.js";
import type { TierfitConfig } from "./schema.js";

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
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const reload = (): void => {
    timer = undefined;
    if (closed) return;
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

  const watcher: FSWatcher = watch(dirname(file), { persistent: false }, () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(reload, handlers.debounceMs ?? 200);
  });
  watcher.on("error", (err) => handlers.onError(err));

  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      watcher.close();
    },
    current: () => config,
  };
}
