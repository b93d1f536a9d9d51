/**
 * Binding the way kube-scheduler's DefaultBinder does it, with the device assignment written
 * first: the pod is annotated with its GPU devices (a JSON merge patch), then the Binding is
 * created on the pods/binding subresource with the pod's UID as a precondition. Annotating first
 * means the pod never runs without its assignment being readable by the device plugin or by a
 * restarted tierfit. The pod is a reservation from the moment bind starts until the pod informer
 * sees it scheduled, so a relist in between does not drop its allocation.
 */
import { type CoreV1Api, PatchStrategy, setHeaderOptions, type V1Binding } from "@kubernetes/client-node";
import { formatDeviceAnnotation, GPU_DEVICES_ANNOTATION } from "../../cluster/device-annotation.js";
import type { Allocation } from "../../cluster/types.js";
import type { Binder, BindTarget } from "../ports.js";
import { apiErrorMessage } from "./api-error.js";
import type { Reservations } from "./reservations.js";

export function bindingFor(target: BindTarget): V1Binding {
  return {
    apiVersion: "v1",
    kind: "Binding",
    metadata: { name: target.podName, namespace: target.podNamespace, uid: target.podUid },
    target: { apiVersion: "v1", kind: "Node", name: target.node },
  };
}

/** The merge patch that records the device assignment; null for a pod that holds no GPU. */
export function deviceAnnotationPatch(allocation: Allocation): object | null {
  if (allocation.devices.length === 0) return null;
  return { metadata: { annotations: { [GPU_DEVICES_ANNOTATION]: formatDeviceAnnotation(allocation.devices) } } };
}

export function apiBinder(api: CoreV1Api, reservations: Reservations, clock: () => number): Binder {
  return {
    async bind(target: BindTarget, allocation: Allocation): Promise<void> {
      const { podName: name, podNamespace: namespace } = target;
      const key = `${namespace}/${name}`;
      reservations.reserve(key, target.podUid, clock());
      const patch = deviceAnnotationPatch(allocation);
      try {
        if (patch) {
          await api.patchNamespacedPod(
            { name, namespace, body: patch },
            setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
          );
        }
      } catch (err) {
        reservations.drop(key);
        throw new Error(`annotating pod ${key} with its GPU devices failed: ${apiErrorMessage(err)}`);
      }
      try {
        await api.createNamespacedPodBinding({ name, namespace, body: bindingFor(target) });
      } catch (err) {
        reservations.drop(key);
        throw new Error(`binding pod ${key} to node ${target.node} failed: ${apiErrorMessage(err)}`);
      }
    },
  };
}
