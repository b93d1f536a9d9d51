import { describe, expect, it } from "vitest";
import { compileScoreExpression } from "../../src/scoring/expression.js";

const signals = { gpuMemory: 8, isolationTier: 10, liveDemand: 4, fragmentation: 6, resourcesFit: 2 };

function value(expr: string): number {
  const c = compileScoreExpression(expr);
  if (!c.ok) throw new Error(c.error);
  return c.evaluate(signals);
}

function error(expr: string): string {
  const c = compileScoreExpression(expr);
  if (c.ok) throw new Error(`${expr} was accepted`);
  return c.error;
}

describe("compileScoreExpression: what operators may write", () => {
  const cases: [string, number][] = [
    ["0.5 * gpuMemory + 0.5 * fragmentation", 7],
    ["max(liveDemand, resourcesFit) + min(gpuMemory, 1)", 5],
    ["sqrt(gpuMemory * 2) + abs(-1) + floor(2.7) + ceil(0.2) + round(0.4)", 8],
    ["pow(2, 3) - 2^3 + log(e) + exp(0) + log10(100)", 4],
    ["isolationTier > 5 ? gpuMemory : 0", 8],
    ["(gpuMemory + liveDemand) / 2", 6],
    ["pi > 3 and e < 3", 1],
    ["-fragmentation + 10", 4],
  ];
  for (const [expr, expected] of cases) {
    it(expr, () => expect(value(expr)).toBeCloseTo(expected, 12));
  }

  it("evaluates again with new values (the compiled form is reused)", () => {
    const c = compileScoreExpression("gpuMemory + liveDemand");
    if (!c.ok) throw new Error(c.error);
    expect(c.evaluate(signals)).toBe(12);
    expect(c.evaluate({ ...signals, gpuMemory: 1 })).toBe(5);
    expect(c.evaluate({})).toBe(0);
  });

  it("returns NaN, not a throw, for values that are not real numbers", () => {
    expect(value("sqrt(-gpuMemory)")).toBeNaN();
    expect(value("0 / 0")).toBeNaN();
  });
});

describe("compileScoreExpression: attacks and mistakes are refused before compiling", () => {
  const cases: [string, RegExp][] = [
    ["import({}, {})", /function import is not allowed/],
    ['createUnit("x")', /function createUnit is not allowed/],
    ['evaluate("1")', /function evaluate is not allowed/],
    ['parse("1")', /function parse is not allowed/],
    ['simplify("x")', /function simplify is not allowed/],
    ["f(x) = x", /defining a function is not allowed/],
    ["gpuMemory = 10", /assignment is not allowed/],
    ["a = 1; a", /several statements is not allowed/],
    ["unknownSignal * 2", /unknown name unknownSignal/],
    ["gpuMemory.constructor", /property access is not allowed/],
    ['gpuMemory["constructor"]', /property access is not allowed/],
    ["[1, 2]", /a matrix is not allowed/],
    ['"text"', /only numbers are allowed/],
    ["5 cm", /unknown name cm/],
    ["3!", /operator ! is not allowed/],
    ["gpuMemory(1)", /function gpuMemory is not allowed/],
    ["max", /unknown name max/],
    ["1:3", /a range is not allowed/],
    ["gpuMemory +", /does not parse/],
  ];
  for (const [expr, pattern] of cases) {
    it(expr, () => expect(error(expr)).toMatch(pattern));
  }
});
