/**
 * The fields of kube-scheduler's `KubeSchedulerConfiguration` (k8s.io/kube-scheduler/config/v1)
 * that a tierfit install may set, as strict schemas: kube-scheduler decodes its --config
 * strictly, so an unknown or misspelt field stops it from starting. Only what these manifests
 * can use is listed; a field added here must exist upstream with this name and type.
 */
import { z } from "zod";

const duration = z.string().regex(/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/, "a Go duration such as 10s");

const tlsConfig = z.strictObject({
  insecure: z.boolean().optional(),
  serverName: z.string().optional(),
  certFile: z.string().optional(),
  keyFile: z.string().optional(),
  caFile: z.string().optional(),
  certData: z.string().optional(),
  keyData: z.string().optional(),
  caData: z.string().optional(),
});

const extender = z.strictObject({
  urlPrefix: z.url(),
  filterVerb: z.string().optional(),
  preemptVerb: z.string().optional(),
  prioritizeVerb: z.string().optional(),
  weight: z.number().int().positive().optional(),
  bindVerb: z.string().optional(),
  enableHTTPS: z.boolean().optional(),
  tlsConfig: tlsConfig.optional(),
  httpTimeout: duration.optional(),
  nodeCacheCapable: z.boolean().optional(),
  managedResources: z
    .array(z.strictObject({ name: z.string().min(1), ignoredByScheduler: z.boolean().optional() }))
    .optional(),
  ignorable: z.boolean().optional(),
});

const leaderElection = z.strictObject({
  leaderElect: z.boolean().optional(),
  leaseDuration: duration.optional(),
  renewDeadline: duration.optional(),
  retryPeriod: duration.optional(),
  resourceLock: z.enum(["leases", "endpointsleases", "configmapsleases"]).optional(),
  resourceName: z.string().optional(),
  resourceNamespace: z.string().optional(),
});

const profile = z.strictObject({
  schedulerName: z.string().min(1),
  percentageOfNodesToScore: z.number().int().min(0).max(100).optional(),
});

export const kubeSchedulerConfigurationSchema = z.strictObject({
  apiVersion: z.literal("kubescheduler.config.k8s.io/v1"),
  kind: z.literal("KubeSchedulerConfiguration"),
  parallelism: z.number().int().positive().optional(),
  leaderElection: leaderElection.optional(),
  percentageOfNodesToScore: z.number().int().min(0).max(100).optional(),
  podInitialBackoffSeconds: z.number().int().positive().optional(),
  podMaxBackoffSeconds: z.number().int().positive().optional(),
  profiles: z.array(profile).min(1),
  extenders: z.array(extender).optional(),
});

export type KubeSchedulerConfiguration = z.infer<typeof kubeSchedulerConfigurationSchema>;
