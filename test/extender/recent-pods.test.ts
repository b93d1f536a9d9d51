/**
 * The pods filter and prioritize saw: bind recalls them by UID within their time to live, and
 * prioritize reuses what filter read of a pod only when it is the very same object (UID and
 * resourceVersion) under the very same config.
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
  pods.remember(request.uid, pod, now, { config: CONFIG, request });
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

  it("recalls a pod for bind within its time to live, and bounds how many it keeps", () => {
    const pods = new RecentPods({ ttlMs: 1000, capacity: 2 });
    const first = versioned("1");
    remembered(pods, first, 0);
    expect(pods.recall(first.metadata.uid ?? "", 999)).toBe(first);
    expect(pods.recall(first.metadata.uid ?? "", 1001)).toBeUndefined();
    for (const name of ["a", "b", "c"]) {
      const pod = gpuPod({ name, tenant: "team-a" });
      pods.remember(pod.metadata?.uid ?? "", pod, 2000);
    }
    expect(pods.size).toBe(2);
  });
});
