/**
 * A pod's ResourceClaims resolved as kube-scheduler resolves them (by name, or a template's
 * generated claim from the pod's status), and its GPU need from those still to be allocated.
 */
import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { type ClaimLookup, claimNeed, claimNotes, claimRefsOf, podClaims } from "../../src/cluster/dra-pod.js";
import { podRequestFromV1 } from "../../src/cluster/pod-request.js";
import { defaultConfig } from "../../src/config/load.js";
import { v1Pod } from "../support/kube-objects.js";

const config = defaultConfig();
const CLASSES = config.gpu.draDeviceClasses;

function claim(name: string, requests: object[], allocated = false) {
  return {
    metadata: { name, namespace: "ml" },
    spec: { devices: { requests: requests.map((exactly, i) => ({ name: `r${i}`, exactly })) } },
    ...(allocated ? { status: { allocation: { devices: { results: [] } } } } : {}),
  };
}

/** The claims of namespace ml only. */
function lookup(claims: readonly ReturnType<typeof claim>[]): ClaimLookup {
  return (namespace, names) => {
    const of = (n: string) => (namespace === "ml" ? claims.find((c) => c.metadata.name === n) : undefined);
    return { found: names.flatMap((n) => of(n) ?? []), missing: names.filter((n) => of(n) === undefined) };
  };
}

function pod(resourceClaims: object[], statuses?: object[]): V1Pod {
  const p = v1Pod({ name: "p", namespace: "ml" });
  p.spec!.resourceClaims = resourceClaims as never;
  if (statuses) p.status = { ...p.status, resourceClaimStatuses: statuses as never };
  return p;
}

describe("claimRefsOf", () => {
  it("takes resourceClaimName as it is and a template's claim from status.resourceClaimStatuses", () => {
    const p = pod(
      [
        { name: "a", resourceClaimName: "shared-gpu" },
        { name: "b", resourceClaimTemplateName: "one-gpu" },
        { name: "c", resourceClaimTemplateName: "one-gpu" },
        { name: "d", resourceClaimTemplateName: "not-needed" },
      ],
      [{ name: "b", resourceClaimName: "p-b-x7k2q" }, { name: "d" }],
    );
    expect(claimRefsOf(p, "pod ml/p")).toEqual([
      { ref: "a", claim: "shared-gpu" },
      { ref: "b", claim: "p-b-x7k2q", template: "one-gpu" },
      // Not generated yet.
      { ref: "c", claim: null, template: "one-gpu" },
      // d: a status entry without a name means no claim was needed; left out.
    ]);
  });
});

describe("podClaims", () => {
  it("counts only claims still to be allocated, and says which were allocated", () => {
    const p = pod([
      { name: "a", resourceClaimName: "done" },
      { name: "b", resourceClaimName: "open" },
    ]);
    const read = podClaims(
      podRequestFromV1(p, config),
      p,
      lookup([
        claim("done", [{ deviceClassName: "gpu.nvidia.com", count: 2 }], true),
        claim("open", [{ deviceClassName: "gpu.nvidia.com", count: 2, capacity: { requests: { memory: "20Gi" } } }]),
      ]),
      CLASSES,
    );
    expect(read.missing).toEqual([]);
    expect(read.allocated).toEqual(["ml/done"]);
    expect(read.request).toMatchObject({ gpuCount: 2, gpuMemory: { kind: "mib", mib: 20480 }, gpuClaims: ["ml/open"] });
    expect(claimNeed(read.request)).toBe("needs 2 GPUs with 20 GiB each via ResourceClaim ml/open");
    expect(claimNotes(read.request, read.allocated)).toEqual([
      "pod ml/p needs 2 GPUs with 20 GiB each via ResourceClaim ml/open: tierfit judged each node by the claims' requests; the DRA allocator, not tierfit, picks the devices",
      "ResourceClaim ml/done is allocated already: its devices are counted on its node, so it adds nothing to the pod's need",
    ]);
  });

  it("names claims it cannot find, and a template's claim not generated yet", () => {
    const p = pod([
      { name: "a", resourceClaimName: "absent" },
      { name: "b", resourceClaimTemplateName: "one-gpu" },
    ]);
    const read = podClaims(podRequestFromV1(p, config), p, lookup([]), CLASSES);
    expect(read.missing).toEqual([
      "ResourceClaim for b (from ResourceClaimTemplate ml/one-gpu)",
      "ResourceClaim ml/absent",
    ]);
    expect(read.request.gpuCount).toBe(0);
  });

  it("ignores requests of other device classes and reads a whole device without a memory request", () => {
    const p = pod([{ name: "a", resourceClaimName: "mixed" }]);
    const read = podClaims(
      podRequestFromV1(p, config),
      p,
      lookup([claim("mixed", [{ deviceClassName: "nic.example.com" }, { deviceClassName: "mig.nvidia.com" }])]),
      CLASSES,
    );
    expect(read.request).toMatchObject({ gpuCount: 1, gpuMemory: { kind: "milli", milli: 1000 } });
    expect(claimNeed(read.request)).toBe("needs 1 whole GPU via ResourceClaim ml/mixed");
  });

  it("leaves a pod without claims alone", () => {
    const p = v1Pod({ name: "p", namespace: "ml", gpus: 1 });
    const request = podRequestFromV1(p, config);
    expect(podClaims(request, p, lookup([]), CLASSES).request).toBe(request);
    expect(claimNeed(request)).toBeNull();
  });
});
