/**
 * What the informers keep of each object: all of it but the fields tierfit never reads that make
 * up much of its size, `metadata.managedFields` (server-side apply's bookkeeping, often a third of
 * an object) and a node's `status.images` (every image on the node, with its size). An informer
 * caches every node and every scheduled pod of the cluster, so this is most of its memory.
 * kube-scheduler strips managedFields from its informer caches the same way.
 *
 * Objects are trimmed as they arrive, decoded afresh from the API server and not yet held by
 * anyone else; the fields are set to undefined rather than deleted, so V8 keeps the objects' fast
 * layout.
 */
import { type KubernetesObject, Watch } from "@kubernetes/client-node";

interface Trimmable {
  metadata?: { managedFields?: unknown };
  status?: { images?: unknown };
}

export function trimmed<T extends KubernetesObject>(obj: T): T {
  const o = obj as Trimmable;
  if (o.metadata?.managedFields !== undefined) o.metadata.managedFields = undefined;
  if (o.status?.images !== undefined) o.status.images = undefined;
  return obj;
}

/** client-node's Watch, handing on each event's object trimmed. */
export class TrimmingWatch extends Watch {
  override watch(...[path, params, callback, done]: Parameters<Watch["watch"]>): ReturnType<Watch["watch"]> {
    const trimming: typeof callback = (phase, obj, event) => {
      if (typeof obj === "object" && obj !== null && phase !== "ERROR") trimmed(obj as KubernetesObject);
      callback(phase, obj, event);
    };
    return super.watch(path, params, trimming, done);
  }
}
