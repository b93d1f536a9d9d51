import { describe, expect, it } from "vitest";
import { loadAzureLlmTrace, parseAzureLlmTrace, requestRate } from "../../../sim/workloads/azure-llm.js";
import { TierfitError } from "../../../src/errors.js";

const HEADER = "TIMESTAMP,ContextTokens,GeneratedTokens";
const csv = (...rows: string[]) => [HEADER, ...rows].join("\r\n") + "\r\n";

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof TierfitError) return err.message;
    throw err;
  }
  throw new Error("expected a TierfitError");
}

describe("parseAzureLlmTrace", () => {
  it("turns timestamps into seconds since the first row, keeping the 100 ns digits", () => {
    const trace = parseAzureLlmTrace(
      csv(
        "2023-11-16 18:15:46.6805900,374,44",
        "2023-11-16 18:15:50.9951690,396,109",
        "2023-11-16 18:16:00.0000001,1020,0",
        "2023-11-17 00:00:00.0000000,5,7",
      ),
      "conv.csv",
    );
    expect(trace.startText).toBe("2023-11-16 18:15:46.6805900");
    expect(trace.arrivalSeconds[0]).toBe(0);
    expect(trace.arrivalSeconds[1]).toBeCloseTo(4.314579, 9);
    expect(trace.arrivalSeconds[2]).toBeCloseTo(13.3194101, 9);
    // To midnight: 5 h 44 min 13.3194100 s = 20,653.31941 s.
    expect(trace.arrivalSeconds[3]).toBeCloseTo(20_653.31941, 7);
    expect(Array.from(trace.contextTokens)).toEqual([374, 396, 1020, 5]);
    expect(Array.from(trace.generatedTokens)).toEqual([44, 109, 0, 7]);
  });

  it("reads the week-long files' zone suffix", () => {
    const trace = parseAzureLlmTrace(
      csv("2024-05-10 00:00:00.000000+00:00,1,1", "2024-05-10 02:00:01.5+02:00,1,1"),
      "w.csv",
    );
    expect(Array.from(trace.arrivalSeconds)).toEqual([0, 1.5]);
  });

  const bad: [string, string, string][] = [
    [
      "a non-date timestamp",
      "yesterday,1,2",
      'x.csv:3: column TIMESTAMP: expected a time like 2023-11-16 18:15:46.6805900, found "yesterday"',
    ],
    [
      "an impossible date",
      "2023-02-30 10:00:00.0000000,1,2",
      'x.csv:3: column TIMESTAMP: expected a time like 2023-11-16 18:15:46.6805900, found "2023-02-30 10:00:00.0000000"',
    ],
    [
      "a time going backwards",
      "2023-11-16 18:15:45.0000000,1,2",
      'x.csv:3: column TIMESTAMP: expected a time not before the previous row\'s (rows must be in time order), found "2023-11-16 18:15:45.0000000"',
    ],
    [
      "negative tokens",
      "2023-11-16 18:15:47.0000000,-1,2",
      'x.csv:3: column ContextTokens: expected an integer 0..4294967295, found "-1"',
    ],
    [
      "non-numeric tokens",
      "2023-11-16 18:15:47.0000000,1,many",
      'x.csv:3: column GeneratedTokens: expected an integer 0..4294967295, found "many"',
    ],
    [
      "an empty field",
      "2023-11-16 18:15:47.0000000,,2",
      'x.csv:3: column ContextTokens: expected an integer 0..4294967295, found ""',
    ],
    [
      "a missing column",
      "2023-11-16 18:15:47.0000000,1",
      "x.csv:3: expected 3 columns (TIMESTAMP,ContextTokens,GeneratedTokens), found 2",
    ],
  ];

  it.each(bad)("rejects %s with file:line and column", (_what, row, message) => {
    expect(messageOf(() => parseAzureLlmTrace(csv("2023-11-16 18:15:46.6805900,374,44", row), "x.csv"))).toBe(message);
  });

  it("rejects a header with other columns", () => {
    expect(messageOf(() => parseAzureLlmTrace("time,in,out\n", "h.csv"))).toBe(
      'h.csv:1: header: expected columns "TIMESTAMP,ContextTokens,GeneratedTokens", found "time,in,out"',
    );
  });
});

describe("requestRate", () => {
  it("bins requests and tokens from t = 0 and divides by the bin width", () => {
    const trace = parseAzureLlmTrace(
      csv(
        "2023-11-16 10:00:00.0000000,100,10",
        "2023-11-16 10:00:05.0000000,200,20",
        "2023-11-16 10:00:10.0000000,300,30",
        "2023-11-16 10:00:25.0000000,400,40",
      ),
      "r.csv",
    );
    const series = requestRate(trace, 10);
    expect(Array.from(series.requestsPerSecond)).toEqual([0.2, 0.1, 0.1]);
    expect(Array.from(series.contextTokensPerSecond)).toEqual([30, 30, 40]);
    expect(Array.from(series.generatedTokensPerSecond)).toEqual([3, 3, 4]);
    expect(series.lastBinSeconds).toBe(5);
    expect(() => requestRate(trace, 0)).toThrow(TierfitError);
  });
});

describe("the Azure 2023 traces", () => {
  const DIR = "config/scenarios/data/azure-llm-inference";
  const cases = [
    { file: "AzureLLMInferenceTrace_code.csv", rows: 8819, meanRate: 2.57, maxContext: 7437, maxGenerated: 1899 },
    { file: "AzureLLMInferenceTrace_conv.csv", rows: 19366, meanRate: 5.53, maxContext: 14050, maxGenerated: 1000 },
  ];

  it.each(cases)("$file: every row, the README's mean rate and token maxima", (c) => {
    const trace = loadAzureLlmTrace(`${DIR}/${c.file}`);
    const n = trace.arrivalSeconds.length;
    expect(n).toBe(c.rows);
    expect(n / trace.arrivalSeconds[n - 1]).toBeCloseTo(c.meanRate, 2);
    expect(Math.max(...trace.contextTokens)).toBe(c.maxContext);
    expect(Math.max(...trace.generatedTokens)).toBe(c.maxGenerated);
    const perMinute = requestRate(trace, 60);
    // Every request lands in exactly one bin.
    expect(perMinute.requestsPerSecond.reduce((sum, r) => sum + r * 60, 0)).toBeCloseTo(c.rows, 6);
    expect(perMinute.requestsPerSecond.length).toBe(Math.floor(trace.arrivalSeconds[n - 1] / 60) + 1);
  });
});
