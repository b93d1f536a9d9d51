/**
 * Which Kubernetes API `tierfit serve` watches: `--kubeconfig FILE`, else the pod's service
 * account when running in a cluster, else KUBECONFIG or ~/.kube/config. With none of them,
 * @kubernetes/client-node falls back to http://localhost:8080 and refuses it ("HTTP protocol is
 * not allowed when skipTLSVerify is not set") on every relist; tierfit says instead, in one line,
 * what it looked for and what to do.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { TierfitError } from "../errors.js";

const ADVICE =
  "run tierfit serve --kubeconfig FILE, or --standalone to serve full-Nodes filter/prioritize without the API";

export interface ClusterEnvironment {
  readonly env: NodeJS.ProcessEnv;
  readonly home: string;
}

export function loadClusterConfig(
  file: string | undefined,
  where: ClusterEnvironment = { env: process.env, home: homedir() },
): KubeConfig {
  const kc = new KubeConfig();
  const { env } = where;
  const homeConfig = join(where.home, ".kube", "config");
  let tried: string;
  try {
    if (file !== undefined) {
      tried = `--kubeconfig ${file}`;
      if (!existsSync(file)) throw new Error("no such file");
      kc.loadFromFile(file);
    } else if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT) {
      tried = "the pod's service account";
      kc.loadFromCluster();
    } else if (env.KUBECONFIG) {
      tried = `KUBECONFIG=${env.KUBECONFIG}`;
      kc.loadFromFile(env.KUBECONFIG);
    } else if (existsSync(homeConfig)) {
      tried = homeConfig;
      kc.loadFromFile(homeConfig);
    } else {
      throw new TierfitError(
        "TF_ERR_UNAVAILABLE",
        `no Kubernetes API to watch: not in a pod (KUBERNETES_SERVICE_HOST unset), KUBECONFIG unset, no ${homeConfig}; ${ADVICE}`,
      );
    }
  } catch (err) {
    if (err instanceof TierfitError) throw err;
    throw new TierfitError("TF_ERR_UNAVAILABLE", `cannot load ${tried!}: ${(err as Error).message}; ${ADVICE}`);
  }
  const cluster = kc.getCurrentCluster();
  if (cluster === null) {
    throw new TierfitError(
      "TF_ERR_UNAVAILABLE",
      `${tried} names no current cluster (current-context unset); ${ADVICE}`,
    );
  }
  if (cluster.server.startsWith("http://") && !cluster.skipTLSVerify) {
    throw new TierfitError(
      "TF_ERR_UNAVAILABLE",
      `${tried}: cluster ${cluster.name} is served over plain HTTP (${cluster.server}), which @kubernetes/client-node refuses unless insecure-skip-tls-verify is set; ${ADVICE}`,
    );
  }
  return kc;
}
