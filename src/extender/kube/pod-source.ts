/** Reads a pod as the API server has it now (the bind path checks annotations kube-scheduler did not send). */
import type { CoreV1Api, V1Pod } from "@kubernetes/client-node";
import type { PodSource } from "../ports.js";
import { apiErrorMessage, apiStatusCode } from "./api-error.js";

export function apiPodSource(api: CoreV1Api): PodSource {
  return {
    async getPod(namespace: string, name: string): Promise<V1Pod | null> {
      try {
        return await api.readNamespacedPod({ namespace, name });
      } catch (err) {
        if (apiStatusCode(err) === 404) return null;
        throw new Error(`reading pod ${namespace}/${name}: ${apiErrorMessage(err)}`);
      }
    },
  };
}
