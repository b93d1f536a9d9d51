/**
 * The install under config/deploy: every overlay the README applies is rendered as
 * `kubectl apply -k` would (kustomize built into kubectl), every object is validated against its
 * Kubernetes schema, and the pieces are checked to agree with each other and with the code:
 * ports, Services, the scheduler's extender config and its TLS files, certificates, RBAC,
 * NetworkPolicies, the config's defaults, the Dockerfile, and the metrics the alerts and the
 * dashboard query. Without kubectl on PATH the render step is skipped (saying so) and the
 * source files are still validated one by one.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { DEFAULT_PORT } from "../../src/cli/commands/serve.js";
import { AllocationLedger } from "../../src/cluster/ledger.js";
import { defaultConfig, parseConfig } from "../../src/config/load.js";
import { DEFAULT_ADMIN_PORT } from "../../src/extender/admin-app.js";
import { ExtenderMetrics } from "../../src/extender/metrics.js";
import { parseDiscovery } from "../../src/metrics/bridge/discovery.js";
import { buildTargets } from "../../src/metrics/bridge/targets.js";
import { EMPTY_DEMAND } from "../../src/scoring/demand-snapshot.js";
import { validateKubeObject } from "./kube-models.js";
import { type KubeSchedulerConfiguration, kubeSchedulerConfigurationSchema } from "./kube-scheduler-config.js";

// biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field below
type Manifest = Record<string, any>;

const DEPLOY = "config/deploy";
/** What the README applies: the default (production, mutual TLS), its alternatives, monitoring. */
const INSTALLS = {
  production: DEPLOY,
  lab: `${DEPLOY}/overlays/lab`,
  externalRedis: `${DEPLOY}/overlays/external-redis`,
  monitoring: `${DEPLOY}/monitoring`,
} as const;

const kubectl = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
const NO_KUBECTL = kubectl.error ? "kubectl is not on PATH, so the overlays are not rendered" : null;

function render(dir: string): Manifest[] {
  const out = spawnSync("kubectl", ["kustomize", dir], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  if (out.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${out.stderr}`);
  return documentsOf(out.stdout, dir);
}

function documentsOf(text: string, where: string): Manifest[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${where}: ${doc.errors.join("; ")}`);
      return doc.toJS() as Manifest;
    })
    .filter((m) => m !== null);
}

function find(objects: Manifest[], kind: string, name: string): Manifest {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0];
}

const containerOf = (deployment: Manifest, name: string): Manifest =>
  deployment.spec.template.spec.containers.find((c: Manifest) => c.name === name);

/** The value after `flag` in an argument list (`--flag value`, or `--flag=value`). */
function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

/** The volume a file path is mounted from, and the path inside it. */
function volumeOf(pod: Manifest, container: Manifest, path: string): { volume: Manifest; key: string } {
  const mount = container.volumeMounts.find((m: Manifest) => path.startsWith(`${m.mountPath}/`));
  expect(mount, `${path} is on a mounted volume`).toBeDefined();
  const volume = pod.volumes.find((v: Manifest) => v.name === mount.name);
  return { volume, key: path.slice(mount.mountPath.length + 1) };
}

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** A Go duration as the scheduler config writes it ("10s", "1m30s") in seconds. */
function seconds(duration: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)];
  expect(parts.map((p) => p[0]).join(""), `duration ${duration}`).toBe(duration);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * units[unit], 0);
}

function schedulerConfigOf(objects: Manifest[]): KubeSchedulerConfiguration {
  const scheduler = find(objects, "Deployment", "tierfit-scheduler");
  const pod = scheduler.spec.template.spec;
  const container = containerOf(scheduler, "kube-scheduler");
  const path = flag(container.command, "--config");
  const { volume, key } = volumeOf(pod, container, path!);
  const configMap = find(objects, "ConfigMap", volume.configMap.name);
  return kubeSchedulerConfigurationSchema.parse(parse(configMap.data[key]));
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : e.name.endsWith(".yaml") ? [join(dir, e.name)] : [],
  );
}

describe("config/deploy source files", () => {
  const files = yamlFiles(DEPLOY).filter((f) => !f.endsWith("kustomization.yaml"));

  it("each Kubernetes object validates against its schema, each scheduler config against kube-scheduler's", () => {
    let objects = 0;
    let schedulerConfigs = 0;
    for (const file of files) {
      for (const doc of documentsOf(readFileSync(file, "utf8"), file)) {
        if (doc.kind === "KubeSchedulerConfiguration") {
          const parsed = kubeSchedulerConfigurationSchema.safeParse(doc);
          expect(parsed.error?.message, file).toBeUndefined();
          schedulerConfigs++;
        } else if (file.includes("/overlays/")) {
          // Strategic-merge patches: partial objects, checked once merged (below).
          expect(doc.metadata.name, file).toBeTypeOf("string");
        } else {
          validateKubeObject(doc);
          objects++;
        }
      }
    }
    expect(schedulerConfigs).toBe(2);
    expect(objects).toBeGreaterThanOrEqual(30);
  });

  it("the README installs with exactly the overlays this test renders, the Redis Secret first", () => {
    const readme = readFileSync("README.md", "utf8");
    const install = readme.slice(
      readme.indexOf("## Install"),
      readme.indexOf("\n## ", readme.indexOf("## Install") + 1),
    );
    const applied = [...install.matchAll(/^kubectl apply -k (\S+)/gm)].map((m) => m[1]);
    expect([...applied].sort()).toEqual(Object.values(INSTALLS).sort());
    const secret = install.indexOf("kubectl -n tierfit-system create secret generic tierfit-redis");
    expect(secret).toBeGreaterThan(0);
    expect(secret).toBeLessThan(install.indexOf(`kubectl apply -k ${DEPLOY}\n`));
  });
});

describe.skipIf(NO_KUBECTL !== null)(`the rendered install${NO_KUBECTL ? ` (skipped: ${NO_KUBECTL})` : ""}`, () => {
  // Collected even when skipped: render only when there is a kubectl to do it.
  const rendered = Object.fromEntries(
    Object.entries(INSTALLS).map(([k, dir]) => [k, NO_KUBECTL ? [] : render(dir)]),
  ) as Record<keyof typeof INSTALLS, Manifest[]>;
  const production = rendered.production;

  it.each(Object.keys(INSTALLS))("%s: every object validates against its Kubernetes schema", (install) => {
    const objects = rendered[install as keyof typeof INSTALLS];
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) validateKubeObject(object);
    const names = objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`);
    expect(new Set(names).size, "no object twice").toBe(names.length);
  });

  it("the extender listens where its Services, probes and the scheduler's urlPrefix point", () => {
    for (const objects of [production, rendered.lab]) {
      const deployment = find(objects, "Deployment", "tierfit");
      const container = containerOf(deployment, "tierfit");
      const ports = Object.fromEntries(container.ports.map((p: Manifest) => [p.name, p.containerPort]));
      expect(ports).toEqual({ http: DEFAULT_PORT, admin: DEFAULT_ADMIN_PORT });
      expect(Number(flag(container.args, "--port") ?? DEFAULT_PORT)).toBe(ports.http);
      // The kubelet and Prometheus reach the admin listener on the pod's address.
      expect(flag(container.args, "--admin-host")).toBe("0.0.0.0");
      expect(container.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "admin" });
      expect(container.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "admin" });

      const service = find(objects, "Service", "tierfit");
      const admin = find(objects, "Service", "tierfit-admin");
      const podLabels = deployment.spec.template.metadata.labels;
      for (const s of [service, admin]) expect(matches(s.spec.selector, podLabels)).toBe(true);
      expect(service.spec.ports).toMatchObject([{ port: DEFAULT_PORT, targetPort: "http" }]);
      expect(admin.spec.ports).toMatchObject([{ port: DEFAULT_ADMIN_PORT, targetPort: "admin" }]);

      const extender = schedulerConfigOf(objects).extenders?.[0];
      const url = new URL(extender!.urlPrefix);
      expect(url.hostname).toBe(`${service.metadata.name}.${service.metadata.namespace}.svc`);
      expect(Number(url.port)).toBe(service.spec.ports[0].port);
      expect(url.pathname).toBe("/");
    }
  });

  it("the scheduler runs the tierfit profile through a non-ignorable extender, in names mode, on GPU pods", () => {
    for (const objects of [production, rendered.lab]) {
      const config = schedulerConfigOf(objects);
      expect(config.profiles.map((p) => p.schedulerName)).toEqual(["tierfit"]);
      expect(config.extenders).toHaveLength(1);
      const [extender] = config.extenders!;
      expect(extender).toMatchObject({
        filterVerb: "filter",
        prioritizeVerb: "prioritize",
        bindVerb: "bind",
        preemptVerb: "preempt",
        nodeCacheCapable: true,
        ignorable: false,
        managedResources: [{ name: defaultConfig().gpu.resourceName, ignoredByScheduler: false }],
      });
      // tierfit binds the pods of exactly these profiles, and a bind's API calls (at most three)
      // end well before kube-scheduler gives up on the extender.
      const kube = defaultConfig().kube;
      expect(config.profiles.map((p) => p.schedulerName)).toEqual(kube.schedulerNames);
      expect(3 * kube.apiTimeoutMs).toBeLessThan(seconds(extender.httpTimeout ?? "30s") * 1000);
    }
  });

  it("production is mutual TLS: the scheduler presents a client certificate of the CA tierfit checks", () => {
    const config = schedulerConfigOf(production);
    const [extender] = config.extenders!;
    expect(new URL(extender.urlPrefix).protocol).toBe("https:");
    expect(extender.enableHTTPS).toBe(true);
    const certificates = production.filter((o) => o.kind === "Certificate");
    const bySecret = (name: string): Manifest => {
      const found = certificates.find((c) => c.spec.secretName === name);
      expect(found, `a Certificate writes the Secret ${name}`).toBeDefined();
      return found!;
    };

    // kube-scheduler: its tlsConfig files come from the client certificate's Secret.
    const scheduler = find(production, "Deployment", "tierfit-scheduler");
    const schedulerContainer = containerOf(scheduler, "kube-scheduler");
    const files = extender.tlsConfig!;
    const schedulerTls = [files.certFile!, files.keyFile!, files.caFile!].map((f) =>
      volumeOf(scheduler.spec.template.spec, schedulerContainer, f),
    );
    expect(schedulerTls.map((t) => t.key)).toEqual(["tls.crt", "tls.key", "ca.crt"]);
    const clientSecret = schedulerTls[0].volume.secret.secretName;
    for (const t of schedulerTls) expect(t.volume.secret.secretName).toBe(clientSecret);
    const client = bySecret(clientSecret);
    expect(client.spec.usages).toContain("client auth");
    expect(client.spec.usages).not.toContain("server auth");

    // tierfit: its certificate, key and client CA come from the server certificate's Secret.
    const deployment = find(production, "Deployment", "tierfit");
    const container = containerOf(deployment, "tierfit");
    const tierfitTls = ["--tls-cert", "--tls-key", "--tls-client-ca"].map((f) =>
      volumeOf(deployment.spec.template.spec, container, flag(container.args, f)!),
    );
    expect(tierfitTls.map((t) => t.key)).toEqual(["tls.crt", "tls.key", "ca.crt"]);
    const serverSecret = tierfitTls[0].volume.secret.secretName;
    for (const t of tierfitTls) expect(t.volume.secret.secretName).toBe(serverSecret);
    const server = bySecret(serverSecret);
    expect(server.spec.usages).toContain("server auth");
    expect(server.spec.usages).not.toContain("client auth");
    expect(server.spec.dnsNames).toContain(new URL(extender.urlPrefix).hostname);

    // One CA issues both, so each side's ca.crt is the CA that signed the other's certificate.
    expect(client.spec.issuerRef).toEqual(server.spec.issuerRef);
    const issuer = find(production, "Issuer", server.spec.issuerRef.name);
    const ca = bySecret(issuer.spec.ca.secretName);
    expect(ca.spec.isCA).toBe(true);
  });

  it("the lab overlay is plain HTTP and says it is for labs only", () => {
    const [extender] = schedulerConfigOf(rendered.lab).extenders!;
    expect(new URL(extender.urlPrefix).protocol).toBe("http:");
    expect(extender.enableHTTPS ?? false).toBe(false);
    expect(rendered.lab.some((o) => o.kind === "Certificate")).toBe(false);
    const args: string[] = containerOf(find(rendered.lab, "Deployment", "tierfit"), "tierfit").args;
    expect(args.some((a) => a.startsWith("--tls-"))).toBe(false);
    expect(readFileSync(`${INSTALLS.lab}/kustomization.yaml`, "utf8")).toMatch(/^# FOR LABS ONLY/);
  });

  it("RBAC: the extender gets only the verbs it uses (patch only for the requeue touch); the scheduler the upstream roles and its own lease", () => {
    const grantsOf = (name: string) =>
      Object.fromEntries(
        find(production, "ClusterRole", name).rules.flatMap((r: Manifest) => {
          expect(r.apiGroups).toHaveLength(1);
          const group: string = r.apiGroups[0];
          return r.resources.map((res: string) => [group === "" ? res : `${group}/${res}`, [...r.verbs].sort()]);
        }),
      );
    expect(grantsOf("tierfit")).toEqual({
      nodes: ["list", "watch"],
      pods: ["get", "list", "watch"],
      "pods/binding": ["create"],
      "resource.k8s.io/resourceslices": ["list", "watch"],
      "resource.k8s.io/resourceclaims": ["list", "watch"],
    });
    expect(grantsOf("tierfit-requeue")).toEqual({ pods: ["patch"] });

    const accountOf = (name: string) => find(production, "Deployment", name).spec.template.spec.serviceAccountName;
    const boundTo = (kind: string, roleName: string) =>
      production
        .filter((o) => o.kind === `${kind}Binding` && o.roleRef.name === roleName)
        .flatMap((b) => b.subjects.map((s: Manifest) => `${b.metadata.namespace ?? "*"}:${s.namespace}/${s.name}`));
    expect(boundTo("ClusterRole", "tierfit")).toEqual([`*:tierfit-system/${accountOf("tierfit")}`]);
    expect(boundTo("ClusterRole", "tierfit-requeue")).toEqual([`*:tierfit-system/${accountOf("tierfit")}`]);
    // The bridge only lists pods, to discover its scrape targets by label.
    expect(grantsOf("tierfit-bridge")).toEqual({ pods: ["list"] });
    expect(boundTo("ClusterRole", "tierfit-bridge")).toEqual([`*:tierfit-system/${accountOf("tierfit-bridge")}`]);
    const scheduler = `tierfit-system/${accountOf("tierfit-scheduler")}`;
    expect(boundTo("ClusterRole", "system:kube-scheduler")).toEqual([`*:${scheduler}`]);
    expect(boundTo("ClusterRole", "system:volume-scheduler")).toEqual([`*:${scheduler}`]);
    expect(boundTo("Role", "extension-apiserver-authentication-reader")).toEqual([`kube-system:${scheduler}`]);
    for (const o of production.filter((x) => x.kind === "ServiceAccount"))
      expect(o.metadata.namespace).toBe("tierfit-system");

    // The upstream role lets a scheduler get and update only the lease `kube-scheduler`.
    const lease = schedulerConfigOf(production).leaderElection!;
    expect(lease).toMatchObject({ leaderElect: true, resourceLock: "leases" });
    const leaseRole = find(production, "Role", "tierfit-scheduler-lease");
    expect(leaseRole.metadata.namespace).toBe(lease.resourceNamespace);
    expect(leaseRole.rules).toEqual([
      {
        apiGroups: ["coordination.k8s.io"],
        resources: ["leases"],
        resourceNames: [lease.resourceName],
        verbs: ["get", "update"],
      },
    ]);
    expect(boundTo("Role", leaseRole.metadata.name)).toEqual([`tierfit-system:${scheduler}`]);
  });

  it("NetworkPolicy: only the scheduler's pods reach the verbs' port, only Prometheus the admin port, only tierfit and the bridge Redis", () => {
    const policy = find(production, "NetworkPolicy", "tierfit");
    const labelsOf = (kind: string, name: string) => find(production, kind, name).spec.template.metadata.labels;
    expect(matches(policy.spec.podSelector.matchLabels, labelsOf("Deployment", "tierfit"))).toBe(true);
    expect(policy.spec.policyTypes).toEqual(["Ingress"]);
    const rules = policy.spec.ingress as Manifest[];
    const rulesFor = (port: number) => rules.filter((r) => r.ports.some((p: Manifest) => p.port === port));
    for (const r of rules) expect(r.from?.length, "no rule admits everyone").toBeGreaterThan(0);
    expect(rules.flatMap((r) => r.ports.map((p: Manifest) => p.port)).sort()).toEqual([
      DEFAULT_PORT,
      DEFAULT_ADMIN_PORT,
    ]);

    const [verbs] = rulesFor(DEFAULT_PORT);
    expect(verbs.from).toHaveLength(1);
    expect(verbs.from[0].namespaceSelector).toBeUndefined();
    expect(matches(verbs.from[0].podSelector.matchLabels, labelsOf("Deployment", "tierfit-scheduler"))).toBe(true);
    expect(matches(verbs.from[0].podSelector.matchLabels, labelsOf("Deployment", "tierfit-bridge"))).toBe(false);

    const [admin] = rulesFor(DEFAULT_ADMIN_PORT);
    expect(admin.from).toEqual([
      {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
        podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
      },
    ]);

    const redis = find(production, "NetworkPolicy", "redis");
    expect(matches(redis.spec.podSelector.matchLabels, labelsOf("StatefulSet", "redis"))).toBe(true);
    const admitted = redis.spec.ingress.flatMap((r: Manifest) =>
      r.from.map((f: Manifest) => f.podSelector.matchLabels),
    );
    expect(admitted).toEqual([{ "app.kubernetes.io/name": "tierfit" }, { "app.kubernetes.io/name": "tierfit-bridge" }]);
    const redisPort = find(production, "Service", "redis").spec.ports[0].port;
    expect(redis.spec.ingress.flatMap((r: Manifest) => r.ports.map((p: Manifest) => p.port))).toEqual([redisPort]);
  });

  it("the ConfigMap is the default config with Redis in-cluster; its password comes from the Secret", () => {
    for (const objects of [production, rendered.lab]) {
      const configMap = find(objects, "ConfigMap", "tierfit-config");
      const parsed = parseConfig(configMap.data["tierfit.yaml"], `${DEPLOY}/base/extender/configmap.yaml`);
      const defaults = defaultConfig();
      expect({ ...parsed, redis: { ...parsed.redis, url: defaults.redis.url } }).toEqual(defaults);
      const redis = find(objects, "Service", "redis");
      const url = new URL(parsed.redis.url);
      expect(url.hostname).toBe(`${redis.metadata.name}.${redis.metadata.namespace}.svc`);
      expect(Number(url.port)).toBe(redis.spec.ports[0].port);
      expect(url.password).toBe("");
      for (const name of ["tierfit", "tierfit-bridge"]) {
        const deployment = find(objects, "Deployment", name);
        const env = deployment.spec.template.spec.containers[0].env;
        expect(env.find((e: Manifest) => e.name === "REDIS_PASSWORD").valueFrom.secretKeyRef).toEqual({
          name: "tierfit-redis",
          key: "password",
        });
        // The config the bridge and the extender read is the same ConfigMap.
        const volumes = deployment.spec.template.spec.volumes.map((v: Manifest) => v.configMap?.name);
        expect(volumes).toContain("tierfit-config");
      }
    }
    // The lab makes its (public) Secret; production leaves it to the operator (README).
    expect(find(rendered.lab, "Secret", "tierfit-redis").metadata.namespace).toBe("tierfit-system");
    expect(production.some((o) => o.kind === "Secret")).toBe(false);
  });

  it("external-redis drops the bundled Redis and points the extender and the bridge at the operator's", () => {
    const objects = rendered.externalRedis;
    expect(objects.filter((o) => o.metadata.name === "redis")).toEqual([]);
    const extender = containerOf(find(objects, "Deployment", "tierfit"), "tierfit");
    const bridge = containerOf(find(objects, "Deployment", "tierfit-bridge"), "bridge");
    const url = flag(extender.args, "--redis");
    expect(url).toMatch(/^rediss:\/\//);
    expect(flag(bridge.args, "--redis")).toBe(url);
    expect(bridge.command.at(-2)).toContain('"$@"');
  });

  it("the bridge's targets: DISCOVER rules and SCRAPE URLs the bridge accepts, each passed only when set", () => {
    const targets = find(production, "ConfigMap", "tierfit-bridge-targets").data;
    const words = (text: string) => text.split(/\s+/).filter((w) => w !== "");
    const rules = words(targets.DISCOVER).map(parseDiscovery);
    expect(rules.map((r) => r.selector)).toEqual(["app=nvidia-dcgm-exporter", "app.kubernetes.io/name=vllm"]);
    expect(buildTargets(words(targets.SCRAPE), [])).toEqual([]);
    // The container's shell line, run with printf in place of the bridge: the arguments it gets.
    const command: string = containerOf(find(production, "Deployment", "tierfit-bridge"), "bridge").command.at(-2);
    const argsWith = (env: Record<string, string>) =>
      spawnSync("sh", ["-c", command.replace("exec node bin/tierfit.js", "printf '%s\\n'"), "bridge"], {
        env: { PATH: process.env.PATH, INTERVAL: "15s", ...env },
        encoding: "utf8",
      }).stdout.split("\n");
    const shipped = argsWith({ DISCOVER: targets.DISCOVER, SCRAPE: targets.SCRAPE });
    expect(shipped).not.toContain("--scrape");
    expect(shipped.slice(shipped.indexOf("--discover"), -1)).toEqual(["--discover", ...words(targets.DISCOVER)]);
    const listed = argsWith({ DISCOVER: "", SCRAPE: "http://a:1/metrics http://b:2/metrics" });
    expect(listed.slice(listed.indexOf("--scrape"), -1)).toEqual([
      "--scrape",
      "http://a:1/metrics",
      "http://b:2/metrics",
    ]);
    expect(listed).not.toContain("--discover");
  });

  it("monitoring scrapes the admin Service and queries only metrics tierfit exports (or DCGM's)", () => {
    const objects = rendered.monitoring;
    const monitor = find(objects, "ServiceMonitor", "tierfit");
    const admin = find(production, "Service", "tierfit-admin");
    expect(matches(monitor.spec.selector.matchLabels, admin.metadata.labels)).toBe(true);
    expect(monitor.metadata.namespace).toBe(admin.metadata.namespace);
    expect(monitor.spec.endpoints.map((e: Manifest) => [e.port, e.path])).toEqual([["admin", "/metrics"]]);
    expect(admin.spec.ports.map((p: Manifest) => p.name)).toContain("admin");

    const metrics = new ExtenderMetrics();
    metrics.watchAges({ cacheAgeMs: () => 0, demandAgeMs: () => 0 });
    metrics.watchDemand(() => ({ connected: true, lastRefreshAt: 0, lastError: null, staleNodes: 0, staleModels: 0 }));
    metrics.watchGpus(new AllocationLedger(), defaultConfig, () => EMPTY_DEMAND);
    const exported = new Set(metrics.registry.getMetricsAsArray().map((m) => m.name));
    const known = (name: string) =>
      exported.has(name.replace(/_(bucket|count|sum)$/, "")) || name.startsWith("DCGM_FI_");

    const rule = find(objects, "PrometheusRule", "tierfit");
    const alerts: Manifest[] = rule.spec.groups.flatMap((g: Manifest) => g.rules);
    expect(alerts.map((a) => a.alert)).toEqual(
      expect.arrayContaining(["TierfitDemandStale", "TierfitExtenderErrors", "TierfitBindFailures"]),
    );
    const dashboardMap = find(objects, "ConfigMap", "tierfit-grafana-dashboard");
    expect(dashboardMap.metadata.labels.grafana_dashboard).toBe("1");
    const dashboard = JSON.parse(dashboardMap.data["tierfit.json"]);
    const panelExprs: string[] = dashboard.panels.flatMap((p: Manifest) => p.targets.map((t: Manifest) => t.expr));
    expect(dashboard.panels.map((p: Manifest) => p.title)).toEqual(
      expect.arrayContaining([
        "Decisions per second, by verb",
        "Latency per verb (p50, p99)",
        "Nodes rejected, by reason",
        "Live-demand staleness",
        "GPUs allocated vs used per tier",
      ]),
    );
    for (const expr of [...alerts.map((a) => String(a.expr)), ...panelExprs]) {
      const names = expr.match(/\b(tierfit_[a-z_]+|DCGM_FI_[A-Z_]+)\b/g) ?? [];
      expect(names.length, expr).toBeGreaterThan(0);
      for (const name of names) expect(known(name), `${name} in ${expr}`).toBe(true);
    }
  });

  it("the image: Node LTS pinned by digest, the Deployments' user, ports and config path, a health check on the admin port", () => {
    const dockerfile = readFileSync("Dockerfile", "utf8");
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:(22|24)\.\d+\.\d+-bookworm-slim@sha256:[0-9a-f]{64}$/m);
    const deployment = find(production, "Deployment", "tierfit");
    const pod = deployment.spec.template.spec;
    const container = containerOf(deployment, "tierfit");
    const runtime = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    expect(runtime).toMatch(/npm ci --omit=dev --ignore-scripts/);
    expect(runtime).toContain(`USER ${pod.securityContext.runAsUser}:${pod.securityContext.runAsGroup}`);
    expect(runtime).toContain(`EXPOSE ${DEFAULT_PORT} ${DEFAULT_ADMIN_PORT}`);
    expect(runtime).toContain(`http://127.0.0.1:${DEFAULT_ADMIN_PORT}/healthz`);
    expect(runtime).toContain('ENTRYPOINT ["node", "bin/tierfit.js"]');
    const cmd = JSON.parse(/^CMD (.*)$/m.exec(runtime)![1]) as string[];
    expect(cmd).toEqual(container.args.slice(0, 3));
    const bridge = find(production, "Deployment", "tierfit-bridge");
    expect(bridge.spec.template.spec.containers[0].image).toBe(container.image);
    expect(bridge.spec.template.spec.securityContext.runAsUser).toBe(pod.securityContext.runAsUser);
  });
});
