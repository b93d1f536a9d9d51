/**
 * The views the scoring core works on. Built from Kubernetes objects by src/cluster (extender)
 * or from the simulator's own state (sim/), so both drivers feed the core identical shapes.
 */

/**
 * GPU memory is counted in integer units of 1/1000 MiB so that fractional sharing is exact:
 * a request for 460/1000 of a 16,384 MiB device is 460 × 16,384 units, and two shares that add
 * up to 1000/1000 fill the device exactly, with no float rounding.
 */
export const MEM_UNITS_PER_MIB = 1000;

export interface Resources {
  /** CPU in thousandths of a core. */
  readonly milliCpu: number;
  readonly memoryBytes: number;
  readonly pods: number;
}

export interface GpuDevice {
  readonly index: number;
  /** GPU product, e.g. `NVIDIA-A100-SXM4-80GB` (GFD's `nvidia.com/gpu.product`) or `T4` in traces. */
  readonly product: string;
  readonly memoryMiB: number;
  /**
   * Replicas of this physical GPU the NVIDIA device plugin advertises (time-slicing or MPS):
   * each pod's `nvidia.com/gpu` unit is then one equal share of it. Absent = the GPU is one unit.
   */
  readonly replicas?: number;
  /** MIG profile (`3g.40gb`) when the device is a MIG slice, requested as `nvidia.com/mig-<profile>`. */
  readonly migProfile?: string;
  /** Advertised as gpu.passthrough.resourceName (`nvidia.com/pgpu`): only pods requesting that take it. */
  readonly passthroughResource?: true;
  /** `<pool>/<device>` in the DRA driver's ResourceSlices, for nodes whose devices come from DRA. */
  readonly draDevice?: string;
}

/** Where a node's device list came from, in this order of truth. */
export interface DeviceSource {
  readonly kind: "dra" | "gfd" | "config";
  /** What was read, for explanations ("GPU Feature Discovery labels: time-slicing, 4 replicas per GPU"). */
  readonly detail: string;
}

/** A node as the core sees it: static facts only; what is allocated lives in the ledger. */
export interface NodeView {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly allocatable: Resources;
  readonly gpus: readonly GpuDevice[];
  /** Index into config.tiers (0 = weakest isolation). */
  readonly tier: number;
  /** Why the node has the tier it has, for explanations ("label tierfit.io/isolation-tier=hypervisor"). */
  readonly tierSource: string;
  /** `spec.unschedulable` (cordoned). */
  readonly unschedulable: boolean;
  /** Absent = the configured product defaults (views built by the simulator). */
  readonly deviceSource?: DeviceSource;
  /** The node's GPUs are only ever given whole to one VM (GPU passthrough, confidential computing). */
  readonly passthrough?: boolean;
}

/**
 * GPU memory a pod wants on each of its devices: an absolute amount, or a share of the device
 * in thousandths (1000 = the whole device, the default when the pod says nothing).
 */
export type GpuMemoryRequest =
  | { readonly kind: "mib"; readonly mib: number }
  | { readonly kind: "milli"; readonly milli: number };

/** What a pod asks for, computed once per pod the way kube-scheduler does. */
export interface PodRequest {
  /** `namespace/name`: the ledger key. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  /** Whole GPUs (`nvidia.com/gpu`); 0 for a pod that uses none. */
  readonly gpuCount: number;
  readonly gpuMemory: GpuMemoryRequest;
  /** Effective cpu/memory requests (containers summed, init containers as max, plus overhead); pods = 1. */
  readonly resources: Resources;
  /**
   * Index into config.tiers: the weakest isolation this pod may run at (the stronger of its
   * RuntimeClass and the tier annotation, which may only raise it).
   */
  readonly tier: number;
  readonly tierSource: string;
  /**
   * The tier the pod actually runs at, from its RuntimeClass alone (none or unmatched = 0): what
   * decides whether it may share a GPU with another tenant. An annotation never grants that.
   */
  readonly sharingTier: number;
  /** `spec.runtimeClassName`, when set: quoted when the tier it gives is below `tier`. */
  readonly runtimeClassName?: string;
  /** The pod's namespace, or `<namespace>/<label>` where config lets a label narrow it (tenant.ts). */
  readonly tenant: string;
  /** `tierfit.io/model`: links the pod to live inference demand. */
  readonly model: string | null;
  /** `tierfit.io/workload-class`, or "default". */
  readonly workloadClass: string;
  /** Allowed GPU products; empty = any (the openb trace's gpu_spec). */
  readonly gpuProducts: readonly string[];
  /** Takes whole physical GPUs that no other pod holds, not even one of its tenant (GPU passthrough). */
  readonly exclusive?: boolean;
  /** It requests gpu.passthrough.resourceName (`nvidia.com/pgpu`), which only passthrough nodes advertise. */
  readonly passthroughResource?: true;
  /** The MIG profile each of its GPUs must be (it requests `nvidia.com/mig-<profile>`). */
  readonly migProfile?: string;
  /**
   * ResourceClaims the pod's devices come from (`spec.resourceClaims`): the DRA allocator, not
   * tierfit, picks them, so tierfit judges nodes for such a pod and records no devices.
   */
  readonly draClaims?: readonly string[];
  /**
   * The ResourceClaims (`namespace/name`, not yet allocated) its GPU need was read from
   * (dra-pod.ts), so its reasons can say where the need came from.
   */
  readonly gpuClaims?: readonly string[];
}

/** One pod's hold on one device. */
export interface DeviceOccupant {
  readonly podKey: string;
  readonly tenant: string;
  /** The pod's sharingTier (PodRequest): whether it may share the device with other tenants. */
  readonly sharingTier: number;
  readonly units: number;
  /** The pod's model (`tierfit.io/model`), so live demand can forecast what it will bring here. */
  readonly model?: string | null;
  /** How many devices the pod holds: its forecast compute per replica is spread over them. */
  readonly gpus?: number;
}

export interface DeviceState {
  readonly index: number;
  readonly product: string;
  readonly capacityUnits: number;
  readonly freeUnits: number;
  readonly occupants: readonly DeviceOccupant[];
}

/** A node plus what is allocated on it: the input of every filter and score. */
export interface NodeState {
  readonly view: NodeView;
  /** Index-aligned with view.gpus. */
  readonly devices: readonly DeviceState[];
  /** Sum of the requests of the pods on the node. */
  readonly requested: Resources;
  /** Bumped on every change to this node's allocations: a cache key for memoised scores. */
  readonly version: number;
  /**
   * The devices' free units, largest first, when every device has the same product and a known
   * memory size (absent otherwise): whether k devices could each take a share is then one
   * comparison, `freeUnitsDesc[k - 1] >= units`. Set by the ledger; derived from `devices`.
   */
  readonly freeUnitsDesc?: readonly number[];
  /**
   * With freeUnitsDesc: the memory and product every GPU of the node has, kept on the snapshot
   * itself so that the fit reads no other object (the hot loops are bound by memory reads).
   */
  readonly alikeGpuMemoryMiB?: number;
  readonly alikeGpuProduct?: string;
}

/**
 * Which positions of a ledger's live `nodes()` array were replaced, in order, for a reader that
 * keeps up with it (placement-memo.ts) instead of comparing every entry. `base` is how many
 * replacements came before `positions[0]`; a reader whose count is below it has lost track.
 */
export interface NodeChangeFeed {
  readonly nodes: readonly NodeState[];
  readonly base: number;
  readonly positions: readonly number[];
}

/** Which device takes how much of a pod: the result of device choice, and what the ledger stores. */
export interface DeviceAssignment {
  readonly index: number;
  readonly units: number;
}

export interface Allocation {
  readonly podKey: string;
  readonly node: string;
  readonly tenant: string;
  /** The pod's sharingTier (PodRequest), which its device occupants carry. */
  readonly sharingTier: number;
  /** The pod's model (`tierfit.io/model`); absent or null = none. */
  readonly model?: string | null;
  readonly milliCpu: number;
  readonly memoryBytes: number;
  readonly devices: readonly DeviceAssignment[];
  /** Pod slots it takes: 1, or 0 for a ResourceClaim's devices (its pod is counted on its own). */
  readonly pods?: 0 | 1;
}
