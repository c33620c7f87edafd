// Compiles one scenario expression, after checking it against an allow-list.
import type { MathNode, Unit } from 'mathjs';
import { ALLOWED_CONSTANTS, ALLOWED_FUNCTIONS, type MathContext } from './math.js';
import { didYouMean } from '../scenario/problems.js';
import { FALLBACK, toNumeric } from './closure.js';

/** Longest expression accepted, in characters. */
export const MAX_EXPRESSION_LENGTH = 500;

const ALLOWED_OPERATORS = new Set([
  'add', 'subtract', 'multiply', 'divide', 'pow', 'unaryMinus', 'unaryPlus', 'mod',
  'larger', 'largerEq', 'smaller', 'smallerEq', 'equal', 'unequal', 'and', 'or', 'not',
]);
const FUNCTIONS = new Set<string>(ALLOWED_FUNCTIONS);
const CONSTANTS = new Set<string>(ALLOWED_CONSTANTS);

export type ExprValue = number | Unit;

export interface CompiledExpression {
  readonly text: string;
  /** Variable names (params, time variables) the expression reads, sorted. */
  readonly names: readonly string[];
  /**
   * Its value from the values of `names`, in that order: an expression of
   * plain numbers runs as a JavaScript closure with mathjs's rules
   * (closure.ts), the rest, and what the closure leaves to it, with mathjs.
   */
  evaluate(values: ArrayLike<number>): ExprValue;
}

export type CompileResult =
  | { ok: true; expr: CompiledExpression }
  | { ok: false; message: string; hint?: string };

/**
 * Parses and checks `text`. `variables` are the names the expression may read
 * (params and time variables); unit names of the instance are allowed too.
 */
export function compileExpression(ctx: MathContext, text: string, variables: ReadonlySet<string>): CompileResult {
  if (text.length > MAX_EXPRESSION_LENGTH) {
    return { ok: false, message: `expression is ${text.length} characters long; the limit is ${MAX_EXPRESSION_LENGTH}` };
  }
  let root: MathNode;
  try {
    root = ctx.parse(text);
  } catch (err) {
    return { ok: false, message: `cannot parse expression "${text}": ${(err as Error).message}` };
  }
  const refusal = checkTree(ctx, root, variables);
  if (refusal) return { ok: false, ...refusal };
  const names = new Set<string>();
  root.traverse((node) => {
    if (node.type === 'SymbolNode' && variables.has((node as unknown as { name: string }).name)) {
      names.add((node as unknown as { name: string }).name);
    }
  });
  const code = root.compile();
  const sorted = [...names].sort();
  const slow = (values: ArrayLike<number>) => code.evaluate(new Map(sorted.map((n, i) => [n, values[i]!]))) as ExprValue;
  const numeric = toNumeric(root, new Map(sorted.map((n, i) => [n, i])));
  const evaluate = numeric
    ? (values: ArrayLike<number>): ExprValue => {
        try {
          return numeric(values);
        } catch (err) {
          if (err === FALLBACK) return slow(values);
          throw err;
        }
      }
    : slow;
  return { ok: true, expr: { text, names: sorted, evaluate } };
}

interface Refusal { message: string; hint?: string }

function checkTree(ctx: MathContext, root: MathNode, variables: ReadonlySet<string>): Refusal | undefined {
  let refusal: Refusal | undefined;
  const calledSymbols = new Set<MathNode>();
  root.traverse((node) => {
    if (refusal) return;
    refusal = checkNode(ctx, node, variables, calledSymbols);
  });
  return refusal;
}

function checkNode(
  ctx: MathContext,
  node: MathNode,
  variables: ReadonlySet<string>,
  calledSymbols: Set<MathNode>,
): Refusal | undefined {
  const n = node as unknown as Record<string, unknown>;
  switch (node.type) {
    case 'ConstantNode':
      return typeof n.value === 'number' ? undefined : { message: `only numbers may appear as constants, not ${JSON.stringify(n.value)}` };
    case 'ParenthesisNode':
    case 'ConditionalNode':
      return undefined;
    case 'OperatorNode':
      return ALLOWED_OPERATORS.has(n.fn as string) ? undefined : { message: `operator "${n.op}" is not allowed in scenario expressions` };
    case 'FunctionNode': {
      const fn = n.fn as MathNode & { name?: string };
      if (fn.type !== 'SymbolNode' || !FUNCTIONS.has(fn.name ?? '')) {
        return {
          message: `function "${fn.name ?? fn.toString()}" is not allowed in scenario expressions`,
          hint: `allowed functions: ${[...FUNCTIONS].join(', ')}`,
        };
      }
      calledSymbols.add(fn);
      return undefined;
    }
    case 'SymbolNode': {
      const name = n.name as string;
      if (calledSymbols.has(node) || variables.has(name) || CONSTANTS.has(name)) return undefined;
      if (Object.prototype.hasOwnProperty.call(Object.prototype, name) || name.startsWith('__')) {
        return { message: `name "${name}" is not allowed in scenario expressions` };
      }
      if (ctx.isUnitName(name)) return undefined;
      const suggestion = didYouMean(name, [...variables]);
      return { message: `unknown name "${name}": not a param, time variable or unit`, hint: suggestion };
    }
    case 'AssignmentNode':
      return { message: 'assignment is not allowed in scenario expressions' };
    case 'FunctionAssignmentNode':
      return { message: 'function definitions are not allowed in scenario expressions' };
    case 'AccessorNode':
    case 'IndexNode':
      return { message: 'property and index access is not allowed in scenario expressions' };
    case 'ArrayNode':
    case 'RangeNode':
      return { message: 'matrices and ranges are not allowed in scenario expressions' };
    default:
      return { message: `${node.type} is not allowed in scenario expressions` };
  }
}
