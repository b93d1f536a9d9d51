/**
 * Which Kubernetes API `tierfit serve` watches: `--kubeconfig FILE`, else KUBECONFIG, else
 * ~/.kube/config, else the pod's service account (client-node's own order). With none of them,
 * @kubernetes/client-node falls back to http://localhost:8080 and refuses it ("HTTP protocol is
 * not allowed when skipTLSVerify is not set") on every relist; tierfit says instead, in one line,
 * what it looked for and what to do.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
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
    } else if (env.KUBECONFIG) {
      // A list of files (as kubectl takes it): the first one.
      const first = env.KUBECONFIG.split(delimiter)[0];
      tried = `KUBECONFIG=${first}`;
      kc.loadFromFile(first);
    } else if (existsSync(homeConfig)) {
      tried = homeConfig;
      kc.loadFromFile(homeConfig);
    } else if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT) {
      tried = "the pod's service account";
      kc.loadFromCluster();
    } else {
      throw new TierfitError(
        "TF_ERR_UNAVAILABLE",
        `no Kubernetes API to watch: KUBECONFIG unset, no ${homeConfig}, not in a pod (KUBERNETES_SERVICE_HOST unset); ${ADVICE}`,
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
