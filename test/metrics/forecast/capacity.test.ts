/**
 * demandToGpu on hand-computed examples. The profile is an 8B-parameter model in fp16 on
 * 80 GiB GPUs: weights 16,000 MiB; KV cache 0.125 MiB/token (32 layers × 8 KV heads × 128 dims
 * × 2 (K and V) × 2 bytes = 131,072 B); 2,500 generated tokens/s per GPU; 64 requests per replica.
 * Room for KV cache beside the weights: 81,920 − 16,000 = 65,920 MiB per replica.
 */
import { describe, expect, it } from "vitest";
import { TierfitError } from "../../../src/errors.js";
import { demandToGpu, type ModelProfile } from "../../../src/metrics/forecast/index.js";

const profile: ModelProfile = {
  weightsMiB: 16_000,
  kvCacheMiBPerToken: 0.125,
  maxTokensPerSecondPerGpu: 2_500,
  maxConcurrentPerReplica: 64,
  gpuMemoryMiB: 81_920,
  tokensPerSecondPerRequest: 50,
};

describe("demandToGpu", () => {
  it("light load: one replica", () => {
    // duration = 200 / 50 = 4 s; concurrency = 10 × 4 = 40
    // compute = 10 × 200 / 2,500 = 0.8 GPU
    // KV = 40 × (1,000 + 200) × 0.125 = 6,000 MiB
    // replicas = max(⌈0.8⌉, ⌈40/64⌉, ⌈6,000/65,920⌉, 1) = 1; memory = 16,000 + 6,000 = 22,000 MiB
    const need = demandToGpu({ rps: 10, meanContextTokens: 1_000, meanGeneratedTokens: 200 }, profile);
    expect(need).toEqual({
      replicas: 1,
      gpuMemoryMiB: 22_000,
      gpuCompute: 0.8,
      concurrency: 40,
      kvCacheMiB: 6_000,
      perReplicaMemoryMiB: 22_000,
    });
  });

  it("concurrency-bound: slow streams keep many requests in flight", () => {
    // 25 tokens/s per stream: duration = 200 / 25 = 8 s; concurrency = 60 × 8 = 480
    // compute = 60 × 200 / 2,500 = 4.8 → 5; concurrency 480 / 64 = 7.5 → 8; KV = 480 × 1,200 × 0.125 = 72,000 MiB → 72,000 / 65,920 → 2
    // replicas = 8; memory = 8 × 16,000 + 72,000 = 200,000 MiB; per replica 16,000 + 9,000 = 25,000
    const need = demandToGpu(
      { rps: 60, meanContextTokens: 1_000, meanGeneratedTokens: 200 },
      { ...profile, tokensPerSecondPerRequest: 25 },
    );
    expect(need.replicas).toBe(8);
    expect(need.concurrency).toBe(480);
    expect(need.gpuCompute).toBeCloseTo(4.8, 12);
    expect(need.kvCacheMiB).toBe(72_000);
    expect(need.gpuMemoryMiB).toBe(200_000);
    expect(need.perReplicaMemoryMiB).toBe(25_000);
  });

  it("compute-bound: fast streams, heavy throughput", () => {
    // duration = 200 / 50 = 4 s; concurrency = 60 × 4 = 240 → 240 / 64 = 3.75 → 4
    // compute = 60 × 200 / 2,500 = 4.8 → 5; KV = 240 × 1,200 × 0.125 = 36,000 MiB → 1
    // replicas = 5; memory = 5 × 16,000 + 36,000 = 116,000 MiB
    const need = demandToGpu({ rps: 60, meanContextTokens: 1_000, meanGeneratedTokens: 200 }, profile);
    expect(need.replicas).toBe(5);
    expect(need.gpuMemoryMiB).toBe(116_000);
    expect(need.perReplicaMemoryMiB).toBe(16_000 + 36_000 / 5);
  });

  it("memory-bound: long contexts fill the KV cache first", () => {
    // duration = 500 / 50 = 10 s; concurrency = 2 × 10 = 20 → 1; compute = 2 × 500 / 2,500 = 0.4 → 1
    // KV = 20 × (30,000 + 500) × 0.125 = 76,250 MiB; 76,250 / 65,920 = 1.16 → 2
    // replicas = 2; memory = 2 × 16,000 + 76,250 = 108,250 MiB; per replica 16,000 + 38,125 = 54,125 (fits 81,920)
    const need = demandToGpu({ rps: 2, meanContextTokens: 30_000, meanGeneratedTokens: 500 }, profile);
    expect(need.replicas).toBe(2);
    expect(need.kvCacheMiB).toBe(76_250);
    expect(need.gpuMemoryMiB).toBe(108_250);
    expect(need.perReplicaMemoryMiB).toBe(54_125);
  });

  it("without a per-stream speed, assumes a fully batched GPU's share", () => {
    // stream speed = 2,500 / 64 = 39.0625 tokens/s; duration = 200 / 39.0625 = 5.12 s; concurrency = 10 × 5.12 = 51.2
    // KV = 51.2 × 1,200 × 0.125 = 7,680 MiB; replicas = max(⌈0.8⌉, ⌈0.8⌉, 1) = 1; memory 23,680 MiB
    const { tokensPerSecondPerRequest: _, ...withoutSpeed } = profile;
    const need = demandToGpu({ rps: 10, meanContextTokens: 1_000, meanGeneratedTokens: 200 }, withoutSpeed);
    expect(need.concurrency).toBeCloseTo(51.2, 9);
    expect(need.kvCacheMiB).toBeCloseTo(7_680, 6);
    expect(need.replicas).toBe(1);
    expect(need.gpuMemoryMiB).toBeCloseTo(23_680, 6);
  });

  it("an exact multiple does not round up: 4.0 replicas of work is 4", () => {
    // compute = 50 × 200 / 2,500 = 4 exactly; concurrency = 50 × 4 = 200 → 3.125 → 4
    expect(demandToGpu({ rps: 50, meanContextTokens: 1_000, meanGeneratedTokens: 200 }, profile).replicas).toBe(4);
  });

  it("no load keeps one warm replica holding only the weights", () => {
    const need = demandToGpu({ rps: 0, meanContextTokens: 1_000, meanGeneratedTokens: 200 }, profile);
    expect(need).toMatchObject({ replicas: 1, gpuMemoryMiB: 16_000, gpuCompute: 0, concurrency: 0 });
  });

  it("rejects a model whose weights do not fit on one GPU, saying by how much", () => {
    const huge = { ...profile, weightsMiB: 140_000 };
    const load = { rps: 1, meanContextTokens: 100, meanGeneratedTokens: 100 };
    expect(() => demandToGpu(load, huge)).toThrow(TierfitError);
    expect(() => demandToGpu(load, huge)).toThrow(/weights need 140000 MiB but a GPU has 81920 MiB/);
    expect(() => demandToGpu({ ...load, rps: -1 }, profile)).toThrow(RangeError);
  });
});
