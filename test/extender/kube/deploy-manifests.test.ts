/**
 * The deployment files agree with the code and with each other: RBAC grants exactly the verbs
 * the extender uses, the scheduler's extender verbs are routes the app serves, the ConfigMap is
 * a valid tierfit config, and ports, paths and the user line up across the Dockerfile, the
 * Deployment, the Service and the KubeSchedulerConfiguration.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { DEFAULT_PORT } from "../../../src/cli/commands/serve.js";
import { defaultConfig, parseConfig } from "../../../src/config/load.js";
import { DEFAULT_ADMIN_PORT } from "../../../src/extender/admin-app.js";
import { buildExtenderApp } from "../../../src/extender/app.js";
import { EMPTY_DEMAND } from "../../../src/scoring/demand-snapshot.js";

const DEPLOY = "config/deploy";
// biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field below
type Manifest = Record<string, any>;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : e.name.endsWith(".yaml") ? [join(dir, e.name)] : [],
  );
}

function documents(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(file, "utf8")).map((doc) => {
    expect(doc.errors, `${file}: ${doc.errors.join("; ")}`).toEqual([]);
    return doc.toJS() as Manifest;
  });
}

const all = yamlFiles(DEPLOY).flatMap((file) => documents(file).map((m) => ({ file, m })));
const one = (kind: string): Manifest => {
  const found = all.filter((d) => d.m.kind === kind);
  expect(
    found.map((d) => d.file),
    `exactly one ${kind}`,
  ).toHaveLength(1);
  return found[0].m;
};

describe("config/deploy", () => {
  it("every file parses and every document names its apiVersion and kind", () => {
    expect(all.length).toBeGreaterThanOrEqual(9);
    for (const { file, m } of all) {
      expect(typeof m.apiVersion, file).toBe("string");
      expect(typeof m.kind, file).toBe("string");
    }
  });

  it("the kustomization applies every extender manifest in the folder (not the scheduler's config, not the simulation Job)", () => {
    const kustomization = one("Kustomization");
    const manifests = readdirSync(DEPLOY).filter(
      (f) => f.endsWith(".yaml") && f !== "kustomization.yaml" && !f.startsWith("simulate-"),
    );
    expect([...kustomization.resources].sort()).toEqual(manifests.sort());
  });

  it("RBAC grants exactly the verbs the extender uses, to the Deployment's service account", () => {
    const role = one("ClusterRole");
    const grants = Object.fromEntries(
      role.rules.flatMap((r: Manifest) => {
        expect(r.apiGroups).toEqual([""]);
        return r.resources.map((res: string) => [res, [...r.verbs].sort()]);
      }),
    );
    expect(grants).toEqual({
      nodes: ["list", "watch"],
      pods: ["get", "list", "watch"],
      "pods/binding": ["create"],
    });
    const binding = one("ClusterRoleBinding");
    const deployment = one("Deployment");
    expect(binding.roleRef).toEqual({
      apiGroup: "rbac.authorization.k8s.io",
      kind: "ClusterRole",
      name: role.metadata.name,
    });
    expect(binding.subjects).toEqual([
      {
        kind: "ServiceAccount",
        name: deployment.spec.template.spec.serviceAccountName,
        namespace: deployment.metadata.namespace,
      },
    ]);
    expect(one("ServiceAccount").metadata.name).toBe(deployment.spec.template.spec.serviceAccountName);
  });

  it("the Deployment runs two non-root, read-only replicas probed on /healthz and /readyz", () => {
    const deployment = one("Deployment");
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    expect(deployment.spec.replicas).toBe(2);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(container.ports).toEqual([
      { name: "http", containerPort: DEFAULT_PORT, protocol: "TCP" },
      { name: "admin", containerPort: DEFAULT_ADMIN_PORT, protocol: "TCP" },
    ]);
    expect(container.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "admin" });
    expect(container.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "admin" });
    expect(container.resources.requests).toBeDefined();
    expect(container.resources.limits.memory).toBeDefined();
  });

  it("mounts the ConfigMap where `serve --config` reads it, and the ConfigMap is the default config", () => {
    const deployment = one("Deployment");
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    const configPath: string = container.args[container.args.indexOf("--config") + 1];
    const mount = container.volumeMounts.find((m: Manifest) => configPath.startsWith(`${m.mountPath}/`));
    const volume = pod.volumes.find((v: Manifest) => v.name === mount.name);
    const configMap = one("ConfigMap");
    expect(volume.configMap.name).toBe(configMap.metadata.name);
    const key = configPath.slice(mount.mountPath.length + 1);
    const parsed = parseConfig(configMap.data[key], `${DEPLOY}/configmap.yaml`);
    const defaults = defaultConfig();
    expect({ ...parsed, redis: { ...parsed.redis, url: defaults.redis.url } }).toEqual(defaults);
    expect(parsed.redis.url).toMatch(/^redis:\/\/[a-z0-9.-]+\.svc:6379$/);
  });

  it("the scheduler's extender is non-ignorable, in names mode, on GPU pods, with verbs the app serves", async () => {
    const scheduler = one("KubeSchedulerConfiguration");
    expect(scheduler.apiVersion).toBe("kubescheduler.config.k8s.io/v1");
    expect(scheduler.profiles.map((p: Manifest) => p.schedulerName)).toEqual(["tierfit"]);
    expect(scheduler.extenders).toHaveLength(1);
    const [extender] = scheduler.extenders;
    // The field names of Extender in k8s.io/kube-scheduler/config/v1: a typo would be ignored silently.
    const known = [
      "urlPrefix",
      "filterVerb",
      "preemptVerb",
      "prioritizeVerb",
      "weight",
      "bindVerb",
      "enableHTTPS",
      "tlsConfig",
      "httpTimeout",
      "nodeCacheCapable",
      "managedResources",
      "ignorable",
    ];
    expect(Object.keys(extender).filter((k) => !known.includes(k))).toEqual([]);
    expect(extender).toMatchObject({
      nodeCacheCapable: true,
      ignorable: false,
      managedResources: [{ name: "nvidia.com/gpu", ignoredByScheduler: false }],
    });
    expect(extender.weight).toBeGreaterThan(0);
    expect(extender.httpTimeout).toMatch(/^\d+(ms|s)$/);

    const app = buildExtenderApp({
      config: defaultConfig,
      demand: () => EMPTY_DEMAND,
      now: () => 0,
      kube: null,
      logger: pino({ level: "silent" }),
    });
    await app.ready();
    const verbs = [extender.filterVerb, extender.prioritizeVerb, extender.bindVerb, extender.preemptVerb];
    expect(verbs).toEqual(["filter", "prioritize", "bind", "preempt"]);
    for (const verb of verbs) expect(app.hasRoute({ method: "POST", url: `/${verb}` }), verb).toBe(true);
    await app.close();

    // kube-scheduler posts to urlPrefix + "/" + verb: the prefix must be the Service, on its port.
    const service = one("Service");
    const url = new URL(extender.urlPrefix);
    expect(url.hostname).toBe(`${service.metadata.name}.${service.metadata.namespace}.svc`);
    expect(Number(url.port)).toBe(service.spec.ports[0].port);
    expect(url.pathname).toBe("/");
    expect(service.spec.ports[0].targetPort).toBe("http");
  });

  it("the Dockerfile's user, port, health check and config path match the Deployment", () => {
    const dockerfile = readFileSync("Dockerfile", "utf8");
    const deployment = one("Deployment");
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    const runtime = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    expect(runtime).toMatch(/npm ci --omit=dev --ignore-scripts/);
    expect(runtime).toContain(`USER ${pod.securityContext.runAsUser}:${pod.securityContext.runAsGroup}`);
    expect(runtime).toContain(`EXPOSE ${DEFAULT_PORT} ${DEFAULT_ADMIN_PORT}`);
    expect(runtime).toContain(`http://127.0.0.1:${DEFAULT_ADMIN_PORT}/healthz`);
    expect(runtime).toContain('ENTRYPOINT ["node", "bin/tierfit.js"]');
    const cmd = JSON.parse(/^CMD (.*)$/m.exec(runtime)![1]) as string[];
    expect(cmd).toEqual(container.args.slice(0, 3));
  });
});
