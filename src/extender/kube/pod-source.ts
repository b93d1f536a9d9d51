/**
 * Reads a pod for bind: as the pod informer holds it (no API round trip on the bind path), else
 * from the API server. The Binding carries the resourceVersion of the object read, so a copy the
 * informer has not yet updated cannot be bound on: the API server refuses it and bind reads again.
 */
import type { CoreV1Api, V1Pod } from "@kubernetes/client-node";
import type { PodSource } from "../ports.js";
import { apiErrorMessage, apiStatusCode } from "./api-error.js";

export function apiPodSource(
  api: CoreV1Api,
  cached: (namespace: string, name: string) => V1Pod | undefined,
): PodSource {
  return {
    async getPod(namespace: string, name: string, fresh = false): Promise<V1Pod | null> {
      const held = fresh ? undefined : cached(namespace, name);
      if (held !== undefined) return held;
      try {
        return await api.readNamespacedPod({ namespace, name });
      } catch (err) {
        if (apiStatusCode(err) === 404) return null;
        throw new Error(`reading pod ${namespace}/${name}: ${apiErrorMessage(err)}`);
      }
    },
  };
}
