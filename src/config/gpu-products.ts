/**
 * Per-device memory of common GPU products, in MiB, for nodes that carry a product label but no
 * memory label. The values are what the driver reports as total memory (nvidia-smi's
 * memory.total, which GPU Feature Discovery copies into `nvidia.com/gpu.memory`), not the
 * marketing size: an "80GB" H100 reports 81,559 MiB, a "16GB" T4 15,360 MiB.
 */
export const DEFAULT_PRODUCT_MEMORY_MIB: Readonly<Record<string, number>> = {
  // GPU Feature Discovery product strings (the driver's name with spaces turned into dashes).
  "NVIDIA-H100-80GB-HBM3": 81559,
  "NVIDIA-A100-SXM4-80GB": 81920,
  "NVIDIA-A100-SXM4-40GB": 40960,
  "NVIDIA-A40": 46068,
  "NVIDIA-A10": 23028,
  "NVIDIA-L4": 23034,
  "Tesla-T4": 15360,
  "Tesla-V100-SXM2-16GB": 16160,
  "Tesla-V100-SXM2-32GB": 32510,
  "Tesla-P100-PCIE-16GB": 16280,
  // GPU models as the Alibaba openb trace names them (P100, T4, V100 16 GB / 32 GB, A10).
  P100: 16280,
  T4: 15360,
  V100M16: 16160,
  V100M32: 32510,
  A10: 23028,
};
