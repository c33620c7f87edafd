// Scenario expressions that use only numbers, params and the time variables,
// compiled to plain JavaScript closures: mathjs's typed-function dispatch is
// most of what a Monte Carlo run spends on re-evaluating demand. Each
// operation follows mathjs's own rule for two numbers (its default config),
// so the results are the same bits; where mathjs would leave plain numbers
// (a negative number to a fractional power, whose result is complex) the
// closure throws FALLBACK and the caller evaluates with mathjs instead.
// Anything else (units, comparisons, rounding, mod, log) is not compiled.
import type { MathNode } from 'mathjs';

export type NumericClosure = (scope: ReadonlyMap<string, number>) => number;

/** Thrown by a closure where only mathjs can say what the value is. */
export const FALLBACK = Symbol('evaluate with mathjs');

/** mathjs's default tolerances for comparing numbers (config relTol, absTol). */
const REL_TOL = 1e-12;
const ABS_TOL = 1e-15;

/** mathjs utils/number nearlyEqual. */
function nearlyEqual(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  if (a === b) return true;
  return Math.abs(a - b) <= Math.max(REL_TOL * Math.max(Math.abs(a), Math.abs(b)), ABS_TOL);
}

const isInteger = (x: number): boolean => Number.isFinite(x) && x === Math.round(x);

/** mathjs pow for two numbers (not `predictable`): a complex result falls back. */
function pow(x: number, y: number): number {
  if (!(isInteger(y) || x >= 0)) throw FALLBACK;
  if ((x * x < 1 && y === Infinity) || (x * x > 1 && y === -Infinity)) return 0;
  return Math.pow(x, y);
}

/** mathjs min/max over numbers: a later value replaces the current one only if smaller (larger) and not nearly equal; NaN wins. */
function extreme(values: number[], smaller: boolean): number {
  let best: number | undefined;
  for (const v of values) {
    if (Number.isNaN(v)) best = v;
    else if (best === undefined || ((smaller ? v < best : v > best) && !nearlyEqual(v, best))) best = v;
  }
  if (best === undefined) throw FALLBACK;
  return best;
}

function sqrt(x: number): number {
  if (x < 0) throw FALLBACK; // complex in mathjs
  return Math.sqrt(x);
}

const UNARY: Record<string, (x: number) => number> = { abs: Math.abs, exp: Math.exp, sqrt };
const BINARY: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  subtract: (a, b) => a - b,
  multiply: (a, b) => a * b,
  divide: (a, b) => a / b,
  pow,
};

/**
 * A closure for the parsed expression, or undefined when it uses anything
 * beyond numbers, the `variables`, pi, e, + − × ÷ ^, unary ±, and the
 * functions abs, exp, sqrt, min and max.
 */
export function toClosure(node: MathNode, variables: ReadonlySet<string>): NumericClosure | undefined {
  const n = node as unknown as { type: string; value?: unknown; name?: string; fn?: unknown; args?: MathNode[]; content?: MathNode };
  switch (n.type) {
    case 'ConstantNode': {
      const v = n.value;
      return typeof v === 'number' ? () => v : undefined;
    }
    case 'ParenthesisNode':
      return toClosure(n.content!, variables);
    case 'SymbolNode': {
      const name = n.name!;
      if (variables.has(name)) return (scope) => scope.get(name)!;
      if (name === 'pi') return () => Math.PI;
      if (name === 'e') return () => Math.E;
      return undefined; // a unit
    }
    case 'OperatorNode': {
      const args = (n.args ?? []).map((a) => toClosure(a, variables));
      if (args.some((a) => a === undefined)) return undefined;
      const fn = n.fn as string;
      if (args.length === 1 && fn === 'unaryMinus') {
        const a = args[0]!;
        return (s) => -a(s);
      }
      if (args.length === 1 && fn === 'unaryPlus') return args[0];
      const op = BINARY[fn];
      if (args.length !== 2 || !op) return undefined;
      const [a, b] = args as [NumericClosure, NumericClosure];
      return (s) => op(a(s), b(s));
    }
    case 'FunctionNode': {
      const name = (n.fn as { name?: string }).name ?? '';
      const args = (n.args ?? []).map((a) => toClosure(a, variables));
      if (args.some((a) => a === undefined) || args.length === 0) return undefined;
      const fs = args as NumericClosure[];
      if (name === 'min' || name === 'max') return (s) => extreme(fs.map((f) => f(s)), name === 'min');
      const unary = UNARY[name];
      if (!unary || fs.length !== 1) return undefined;
      const f = fs[0]!;
      return (s) => unary(f(s));
    }
    default:
      return undefined;
  }
}
