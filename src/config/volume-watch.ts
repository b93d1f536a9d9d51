/**
 * Watching files the way Kubernetes updates mounted ConfigMaps and Secrets: the kubelet writes a
 * new timestamped directory and swaps the `..data` symlink, so a file's inode changes and a
 * watch on the file itself would go silent. The *directories* are watched instead, and a burst
 * of events (an editor's, the kubelet's) is reported once after a quiet time.
 */
import { type FSWatcher, watch } from "node:fs";
import { dirname, resolve } from "node:path";

export interface VolumeWatch {
  close(): void;
}

/** Calls `onSettled` once events in the directories of `files` have been quiet for `debounceMs`. */
export function watchFileDirectories(
  files: readonly string[],
  onSettled: () => void,
  onError: (err: Error) => void,
  debounceMs = 200,
): VolumeWatch {
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const fire = (): void => {
    timer = undefined;
    if (!closed) onSettled();
  };
  const directories = [...new Set(files.map((f) => dirname(resolve(f))))];
  const watchers: FSWatcher[] = directories.map((dir) => {
    const watcher = watch(dir, { persistent: false }, () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(fire, debounceMs);
    });
    watcher.on("error", onError);
    return watcher;
  });
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
