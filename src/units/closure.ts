// Scenario expressions that use only numbers, params and the time variables,
// compiled to plain JavaScript closures over a vector of their variables'
// values (no scope maps): mathjs's typed-function dispatch was most of what a
// Monte Carlo run spent on re-evaluating demand. Each
// operation follows mathjs's own rule for two numbers (its default config),
// so the results are the same bits; where mathjs would leave plain numbers
// (a negative number to a fractional power, whose result is complex) the
// closure throws FALLBACK and the caller evaluates with mathjs instead.
// Anything else (units, comparisons, rounding, mod, log) is not compiled.
//
// Where the platform allows it (Node; not the explorer page, whose content
// security policy forbids eval), the same tree becomes one generated
// function instead of a closure per node: it calls the same helpers in the
// same order, and reads numbers and variables from arrays (no text of the
// scenario enters the generated code), so it gives the same bits, faster.
import type { MathNode } from 'mathjs';

/** Reads variable i of the expression from `vars[i]`. */
export type NumericClosure = (vars: ArrayLike<number>) => number;

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
  // The common case first: a non-negative base to a finite power (a growth factor to a number of years).
  if (x >= 0 && y !== Infinity && y !== -Infinity) return Math.pow(x, y);
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

/** A closure per operator (one call site each, so the engine can inline it), not one that looks the operator up. */
function binary(fn: string, a: NumericClosure, b: NumericClosure): NumericClosure | undefined {
  switch (fn) {
    case 'add':
      return (v) => a(v) + b(v);
    case 'subtract':
      return (v) => a(v) - b(v);
    case 'multiply':
      return (v) => a(v) * b(v);
    case 'divide':
      return (v) => a(v) / b(v);
    case 'pow':
      return (v) => pow(a(v), b(v));
    default:
      return undefined;
  }
}

/** min or max of the arguments; two arguments (the common case) without an array. */
function extremeOf(fs: NumericClosure[], smaller: boolean): NumericClosure {
  if (fs.length === 2) {
    const [a, b] = fs as [NumericClosure, NumericClosure];
    return (v) => extreme2(a(v), b(v), smaller);
  }
  return (v) => extreme(fs.map((f) => f(v)), smaller);
}

/** `extreme([x, y], smaller)`, the same steps. */
function extreme2(x: number, y: number, smaller: boolean): number {
  if (Number.isNaN(y)) return y;
  if (Number.isNaN(x)) return x;
  return (smaller ? y < x : y > x) && !nearlyEqual(y, x) ? y : x;
}

/**
 * A closure for the parsed expression, or undefined when it uses anything
 * beyond numbers, the `variables` (each read from its slot of the vector),
 * pi, e, + − × ÷ ^, unary ±, and the functions abs, exp, sqrt, min and max.
 */
export function toClosure(node: MathNode, variables: ReadonlyMap<string, number>): NumericClosure | undefined {
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
      const slot = variables.get(name);
      if (slot !== undefined) return (vars) => vars[slot]!;
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
      return args.length === 2 ? binary(fn, args[0]!, args[1]!) : undefined;
    }
    case 'FunctionNode': {
      const name = (n.fn as { name?: string }).name ?? '';
      const args = (n.args ?? []).map((a) => toClosure(a, variables));
      if (args.some((a) => a === undefined) || args.length === 0) return undefined;
      const fs = args as NumericClosure[];
      if (name === 'min' || name === 'max') return extremeOf(fs, name === 'min');
      const unary = UNARY[name];
      if (!unary || fs.length !== 1) return undefined;
      const f = fs[0]!;
      return (s) => unary(f(s));
    }
    default:
      return undefined;
  }
}

/** The helpers generated code calls: the same functions the closures use. */
const HELPERS = { pow, extreme, extreme2, abs: Math.abs, exp: Math.exp, sqrt } as const;

let generate = true;

/** Turns code generation off (the explorer page: its CSP forbids eval, and a refused eval is reported as a violation). */
export function disableCodeGeneration(): void {
  generate = false;
}

/**
 * One generated function for the expression (see the header), or its
 * closure where code cannot be generated; undefined as for toClosure.
 */
export function toNumeric(node: MathNode, variables: ReadonlyMap<string, number>): NumericClosure | undefined {
  const closure = toClosure(node, variables);
  if (!closure || !generate) return closure;
  const constants: number[] = [];
  const body = toCode(node, variables, constants);
  if (body === undefined) return closure;
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    return new Function('c', 'h', `"use strict"; return function (v) { return ${body}; };`)(constants, HELPERS) as NumericClosure;
  } catch {
    generate = false; // no eval here
    return closure;
  }
}

/** The expression as JavaScript over `v` (variables), `c` (constants) and `h` (HELPERS); undefined where toClosure has none. */
function toCode(node: MathNode, variables: ReadonlyMap<string, number>, constants: number[]): string | undefined {
  const n = node as unknown as { type: string; value?: unknown; name?: string; fn?: unknown; args?: MathNode[]; content?: MathNode };
  const constant = (x: number) => `c[${constants.push(x) - 1}]`;
  const args = () => {
    const out = (n.args ?? []).map((a) => toCode(a, variables, constants));
    return out.some((a) => a === undefined) ? undefined : (out as string[]);
  };
  switch (n.type) {
    case 'ConstantNode':
      return typeof n.value === 'number' ? constant(n.value) : undefined;
    case 'ParenthesisNode':
      return toCode(n.content!, variables, constants);
    case 'SymbolNode': {
      const slot = variables.get(n.name!);
      if (slot !== undefined) return `v[${slot}]`;
      if (n.name === 'pi') return constant(Math.PI);
      if (n.name === 'e') return constant(Math.E);
      return undefined;
    }
    case 'OperatorNode': {
      const a = args();
      const fn = n.fn as string;
      if (!a) return undefined;
      if (a.length === 1 && fn === 'unaryMinus') return `(-${a[0]})`;
      if (a.length === 1 && fn === 'unaryPlus') return a[0];
      if (a.length !== 2) return undefined;
      const op = { add: '+', subtract: '-', multiply: '*', divide: '/' }[fn];
      if (op) return `(${a[0]} ${op} ${a[1]})`;
      return fn === 'pow' ? `h.pow(${a[0]}, ${a[1]})` : undefined;
    }
    case 'FunctionNode': {
      const name = (n.fn as { name?: string }).name ?? '';
      const a = args();
      if (!a || a.length === 0) return undefined;
      if (name === 'min' || name === 'max') {
        const smaller = name === 'min';
        return a.length === 2 ? `h.extreme2(${a[0]}, ${a[1]}, ${smaller})` : `h.extreme([${a.join(', ')}], ${smaller})`;
      }
      return a.length === 1 && (name === 'abs' || name === 'exp' || name === 'sqrt') ? `h.${name}(${a[0]})` : undefined;
    }
    default:
      return undefined;
  }
}
