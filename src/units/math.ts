// The one restricted mathjs instance that evaluates scenario expressions.
//
// Scenario files are shared between people, so an expression is untrusted
// input. Two layers keep it harmless:
//   1. the instance is built from a short list of factories (no `import`,
//      `evaluate`, `createUnit`, matrices or the like exist in it), and the
//      dangerous entry points that remain are replaced by functions that throw;
//   2. every parsed expression is walked against an allow-list of node types,
//      functions and names before it is compiled (see `expr.ts`).
import {
  create,
  absDependencies,
  addDependencies,
  andDependencies,
  ceilDependencies,
  compileDependencies,
  divideDependencies,
  equalDependencies,
  expDependencies,
  floorDependencies,
  largerDependencies,
  largerEqDependencies,
  logDependencies,
  maxDependencies,
  minDependencies,
  modDependencies,
  multiplyDependencies,
  notDependencies,
  orDependencies,
  parseDependencies,
  powDependencies,
  roundDependencies,
  smallerDependencies,
  smallerEqDependencies,
  sqrtDependencies,
  subtractDependencies,
  unaryMinusDependencies,
  unaryPlusDependencies,
  unequalDependencies,
  unitDependencies,
  createUnitDependencies,
  piDependencies,
  eDependencies,
  type FactoryFunctionMap,
  type MathJsInstance,
  type Unit,
} from 'mathjs';

/** Functions an expression may call. Everything else is refused. */
export const ALLOWED_FUNCTIONS = [
  'min', 'max', 'abs', 'sqrt', 'exp', 'log', 'round', 'floor', 'ceil', 'pow', 'mod',
] as const;

/** Constants an expression may name besides params, time variables and units. */
export const ALLOWED_CONSTANTS = ['pi', 'e'] as const;

/** The unit of money: economic values are held in USD (per tonne, per tonne-day) and million USD. */
export const MONEY_UNIT = 'USD';

/** The internal volume unit: every volume is held as Mt/year. */
export const VOLUME_UNIT = 'Mt/year';

export interface MathContext {
  math: MathJsInstance;
  /** Private reference to the parser: never exposed to expressions. */
  parse: MathJsInstance['parse'];
  isUnitName(name: string): boolean;
  /** Converts a unit value to Mt/year, or returns undefined if the dimension differs. */
  toVolume(u: Unit): number | undefined;
}

function refuse(name: string): () => never {
  return () => {
    throw new Error(`${name} is disabled in scenario expressions`);
  };
}

/**
 * Builds a fresh instance with the scenario's own units (`TEU: "10 t"`).
 * Custom units must be created before the instance is locked, so each
 * scenario gets its own instance. Units whose definitions fail are reported
 * through `onUnitError` and skipped.
 */
export function createMathContext(
  units: ReadonlyArray<readonly [string, string]>,
  onUnitError: (name: string, message: string) => void = () => {},
): MathContext {
  const factories = {
    absDependencies, addDependencies, andDependencies, ceilDependencies, compileDependencies,
    divideDependencies, equalDependencies, expDependencies, floorDependencies,
    largerDependencies, largerEqDependencies, logDependencies, maxDependencies,
    minDependencies, modDependencies, multiplyDependencies, notDependencies, orDependencies,
    parseDependencies, powDependencies, roundDependencies, smallerDependencies,
    smallerEqDependencies, sqrtDependencies, subtractDependencies, unaryMinusDependencies,
    unaryPlusDependencies, unequalDependencies, unitDependencies, createUnitDependencies,
    piDependencies, eDependencies,
  } as unknown as FactoryFunctionMap;
  const math = create(factories) as MathJsInstance;

  // Money: one base unit, USD, in which a scenario defines its other currencies (`EUR: "1.08 USD"`).
  math.createUnit(MONEY_UNIT);
  // mathjs's `t` (tonne) takes SI prefixes, so `Mt` and `kt` need no definition.
  for (const [name, definition] of units) {
    try {
      if (math.Unit.isValuelessUnit(name)) {
        throw new Error(`"${name}" is already a unit`);
      }
      math.createUnit(name, definition);
    } catch (err) {
      onUnitError(name, (err as Error).message);
    }
  }

  const parse = math.parse;
  const volume = math.unit(VOLUME_UNIT);
  const unitNames = new Map<string, boolean>();
  for (const name of ['import', 'createUnit', 'evaluate', 'parse', 'simplify', 'derivative', 'resolve', 'reviver', 'compile']) {
    (math as unknown as Record<string, unknown>)[name] = refuse(name);
  }

  return {
    math,
    parse,
    // Asked for every param on every what-if; parsing a unit name is not free, and the answer never changes.
    isUnitName: (name) => {
      let known = unitNames.get(name);
      if (known === undefined) unitNames.set(name, (known = math.Unit.isValuelessUnit(name)));
      return known;
    },
    toVolume(u) {
      if (!u.equalBase(volume)) return undefined;
      return u.toNumber(VOLUME_UNIT);
    },
  };
}
