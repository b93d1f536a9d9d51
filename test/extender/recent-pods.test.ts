/**
 * What was read of the pods filter and prioritize saw: prioritize reuses it only for the very same
 * object (UID and resourceVersion) under the very same config, within its time to live.
 */
import { describe, expect, it } from "vitest";
import { podRequestFromV1 } from "../../src/cluster/pod-request.js";
import { RecentPods } from "../../src/extender/recent-pods.js";
import { testConfig } from "../support/core-builders.js";
import { gpuPod } from "./objects.js";

const CONFIG = testConfig();

function versioned(resourceVersion: string | undefined, gpuMemory = "20Gi") {
  const pod = gpuPod({ name: "p", gpuMemory, tenant: "team-a" });
  return { ...pod, metadata: { ...pod.metadata, resourceVersion } };
}

function remembered(pods: RecentPods, pod: ReturnType<typeof versioned>, now = 0) {
  const request = podRequestFromV1(pod, CONFIG);
  pods.remember({ config: CONFIG, request, resourceVersion: pod.metadata.resourceVersion ?? "" }, now);
  return request;
}

describe("RecentPods", () => {
  it("gives back what was read of the same pod object under the same config", () => {
    const pods = new RecentPods();
    const request = remembered(pods, versioned("41"));
    expect(pods.readingOf(versioned("41"), CONFIG)).toBe(request);
  });

  it("reads again a pod that changed, a pod without a resourceVersion, or under another config", () => {
    const pods = new RecentPods();
    remembered(pods, versioned("41"));
    expect(pods.readingOf(versioned("42", "30Gi"), CONFIG)).toBeUndefined();
    expect(pods.readingOf(versioned("41"), testConfig())).toBeUndefined();
    remembered(pods, versioned(undefined));
    expect(pods.readingOf(versioned(undefined), CONFIG)).toBeUndefined();
  });

  it("forgets readings past their time to live, and bounds how many it keeps", () => {
    const pods = new RecentPods({ ttlMs: 1000, capacity: 2 });
    const first = remembered(pods, versioned("1"), 0);
    expect(pods.readingOf(versioned("1"), CONFIG)).toBe(first);
    const late = podRequestFromV1(gpuPod({ name: "late", tenant: "team-a" }), CONFIG);
    pods.remember({ config: CONFIG, request: late, resourceVersion: "" }, 1001); // evicts what is too old
    expect(pods.readingOf(versioned("1"), CONFIG)).toBeUndefined();
    for (const name of ["a", "b", "c"]) {
      const request = podRequestFromV1(gpuPod({ name, tenant: "team-a" }), CONFIG);
      pods.remember({ config: CONFIG, request, resourceVersion: "" }, 2000);
    }
    expect(pods.size).toBe(2);
  });
});
