/**
 * Every pod of a cluster, listed from its API server a page at a time (`tierfit demand show
 * --kubeconfig`): the same kubeconfig lookup and bounded, kept-alive client as `serve`.
 */
import type { V1Pod } from "@kubernetes/client-node";
import { TierfitError } from "../errors.js";
import { loadClusterConfig } from "../extender/cluster-config.js";
import { kubeClient } from "../extender/kube/api-client.js";
import { apiErrorMessage } from "../extender/kube/api-error.js";

/** Pods per list request: a large cluster is read in pages rather than one huge answer. */
const PAGE = 500;

export async function listClusterPods(kubeconfig: string | undefined, timeoutMs: number): Promise<V1Pod[]> {
  const source = loadClusterConfig(kubeconfig);
  const client = kubeClient(source, { requestMs: timeoutMs, watchConnectMs: timeoutMs });
  const server = client.kubeConfig.getCurrentCluster()?.server ?? "the cluster";
  const pods: V1Pod[] = [];
  try {
    let next: string | undefined;
    do {
      const page = await client.core.listPodForAllNamespaces({ limit: PAGE, _continue: next });
      pods.push(...page.items);
      next = page.metadata?._continue || undefined;
    } while (next !== undefined);
  } catch (err) {
    throw new TierfitError("TF_ERR_UNAVAILABLE", `listing pods from ${server} failed: ${apiErrorMessage(err)}`);
  } finally {
    client.close();
  }
  return pods;
}
