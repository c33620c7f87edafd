// Turns a scenario value (number, quantity, expression or yearly series) into
// one number per simulated year, in the internal unit of its kind.
import type { Unit } from 'mathjs';
import { compileExpression, type CompiledExpression, type CompileResult, type ExprValue } from './expr.js';
import { VOLUME_UNIT, type MathContext } from './math.js';

/** What a value measures, and so how a bare number and a unit are read. */
export type Kind = 'volume' | 'ratio' | 'days' | 'year';

const KIND_TEXT: Record<Kind, string> = {
  volume: `a mass per time (a bare number is ${VOLUME_UNIT}, or e.g. "60 train/day")`,
  ratio: 'a plain number',
  days: 'a time (a bare number is days, or e.g. "18 h")',
  year: 'a calendar year',
};

/** Whether a number reads as a calendar year (a whole number from 1900 to 2200): what-if tools move such params by years, not by percent. */
export const isYearValue = (v: number): boolean => Number.isInteger(v) && v >= 1900 && v <= 2200;

/** Time variable in expressions: the calendar year being simulated. */
export const TIME_VARIABLE = 'yr';
/** In a series' `then` expression: the last point's value and year. */
export const SERIES_BASE = 'base';
export const SERIES_BASE_YEAR = 'base_yr';

export interface ValueIssue {
  /** Key path below the value (a series point), or empty. */
  subpath: (string | number)[];
  message: string;
  hint?: string;
}

export interface ValueContext {
  readonly math: MathContext;
  readonly params: ReadonlyMap<string, number>;
  readonly startYear: number;
  readonly years: number;
  /** When set, collects the params that evaluated expressions read (normalize.ts reuses stages by them). */
  readonly reads?: Set<string> | undefined;
}

/**
 * One number per year. Plain arrays, not Float64Arrays: normalisation makes
 * hundreds of them per scenario, and typed-array backing stores are allocated
 * outside the JS heap under a process-wide lock, which kept worker threads
 * from running in parallel (sweeps and Monte Carlo re-normalise every run).
 */
export const yearArray = (years: number, fill = 0): number[] => new Array<number>(years).fill(fill);

/** A value as written: a number, a quantity or expression, or a yearly series (scenario/schema.ts checks its shape). */
export type ValueSpec = number | string | Readonly<Record<string, number | string>>;

export type ValueResult = { ok: true; values: number[] } | { ok: false; issues: ValueIssue[] };

/** Evaluates `value` for each year of the context. */
export function evaluateValue(vc: ValueContext, value: ValueSpec, kind: Kind): ValueResult {
  if (typeof value === 'number') {
    const issue = checkNumber(value, kind);
    return issue ? fail([], `value ${issue}`) : { ok: true, values: yearArray(vc.years, value) };
  }
  if (typeof value === 'string') return evaluateExpressionValue(vc, value, kind, [], new Map());
  return evaluateSeries(vc, value, kind);
}

function fail(subpath: (string | number)[], message: string, hint?: string): ValueResult {
  return { ok: false, issues: [{ subpath, message, ...(hint ? { hint } : {}) }] };
}

function evaluateExpressionValue(
  vc: ValueContext,
  text: string,
  kind: Kind,
  subpath: (string | number)[],
  extra: ReadonlyMap<string, number>,
  yearFrom = 0,
  into: number[] = yearArray(vc.years),
): ValueResult {
  const compiled = compileCached(vc, text, extra);
  if (!compiled.ok) return fail(subpath, compiled.message, compiled.hint);
  const { expr } = compiled;
  if (vc.reads) for (const n of expr.names) if (vc.params.has(n) && !extra.has(n)) vc.reads.add(n);
  const key = resultKey(vc, expr, kind, extra, yearFrom);
  const known = resultCache(vc.math).get(key);
  if (known) {
    for (let i = yearFrom; i < vc.years; i++) into[i] = known[i - yearFrom]!;
    return { ok: true, values: into };
  }
  const scope = new Map<string, number>([...vc.params, ...extra]);
  // An expression that does not read `yr` has one value for all years: evaluate it once.
  const perYear = expr.names.includes(TIME_VARIABLE);
  for (let i = yearFrom; i < vc.years; i++) {
    if (!perYear && i > yearFrom) {
      into[i] = into[yearFrom]!;
      continue;
    }
    const result = evaluateAt(vc, expr, scope, i, kind);
    if (typeof result === 'string') return fail(subpath, `"${text}" ${result}`);
    into[i] = result;
  }
  remember(vc.math, key, into.slice(yearFrom));
  return { ok: true, values: into };
}

/**
 * Compiled expressions by math context, variables and text: a sweep or Monte
 * Carlo run re-normalises one scenario many times with other param values,
 * and parsing is most of the cost. Compiled code reads params from the scope,
 * so it is valid for any values.
 */
const compiledCache = new WeakMap<MathContext, Map<string, CompileResult>>();

/** The sorted names of a params map, worked out once per map (a series' points share it). */
const paramNameKeys = new WeakMap<ReadonlyMap<string, number>, string>();

function compileCached(vc: ValueContext, text: string, extra: ReadonlyMap<string, number>): CompileResult {
  let cache = compiledCache.get(vc.math);
  if (!cache) compiledCache.set(vc.math, (cache = new Map()));
  let names = paramNameKeys.get(vc.params);
  if (names === undefined) paramNameKeys.set(vc.params, (names = [...vc.params.keys()].sort().join(',')));
  const key = extra.size > 0 ? `${names};${[...extra.keys()].join(',')}|${text}` : `${names}|${text}`;
  let r = cache.get(key);
  if (!r) cache.set(key, (r = compileExpression(vc.math, text, new Set([...vc.params.keys(), TIME_VARIABLE, ...extra.keys()]))));
  return r;
}

/**
 * Results of expressions by text, kind, years and the values of the names
 * they read: a sweep or Monte Carlo run changes a few params, and the other
 * values (unit conversions cost tens of microseconds each) stay as they were.
 */
const resultCaches = new WeakMap<MathContext, Map<string, number[]>>();
const MAX_CACHED_RESULTS = 20_000;

function resultCache(math: MathContext): Map<string, number[]> {
  let cache = resultCaches.get(math);
  if (!cache) resultCaches.set(math, (cache = new Map()));
  return cache;
}

function remember(math: MathContext, key: string, values: number[]): void {
  const cache = resultCache(math);
  if (cache.size >= MAX_CACHED_RESULTS) cache.clear();
  cache.set(key, values);
}

function resultKey(vc: ValueContext, expr: CompiledExpression, kind: Kind, extra: ReadonlyMap<string, number>, yearFrom: number): string {
  const read = expr.names.filter((n) => n !== TIME_VARIABLE).map((n) => `${n}=${extra.get(n) ?? vc.params.get(n)}`);
  return `${kind}|${vc.startYear}+${yearFrom}..${vc.years}|${expr.text}|${read.join(',')}`;
}

function evaluateAt(vc: ValueContext, expr: CompiledExpression, scope: Map<string, number>, yearIndex: number, kind: Kind): number | string {
  const year = vc.startYear + yearIndex;
  scope.set(TIME_VARIABLE, year);
  let raw: ExprValue;
  try {
    raw = expr.evaluate(scope);
  } catch (err) {
    return `cannot be evaluated in ${year}: ${(err as Error).message}`;
  }
  const value = toKind(vc, raw, kind);
  if (typeof value === 'string') return value;
  const issue = checkNumber(value, kind);
  return issue ? `${issue} in ${year}` : value;
}

function toKind(vc: ValueContext, raw: ExprValue, kind: Kind): number | string {
  if (typeof raw === 'number') return raw;
  if (raw === null || typeof raw !== 'object' || !('equalBase' in raw)) {
    return `gives ${typeof raw}, not ${KIND_TEXT[kind]}`;
  }
  const unit = raw as Unit;
  if (kind === 'volume') {
    const v = vc.math.toVolume(unit);
    if (v !== undefined) return v;
  } else if (kind === 'days' && unit.equalBase(vc.math.math.unit('day'))) {
    return unit.toNumber('day');
  }
  return `has units (${unit.formatUnits()}) incompatible with ${KIND_TEXT[kind]}`;
}

function checkNumber(value: number, kind: Kind): string | undefined {
  if (!Number.isFinite(value)) return `is ${value}, not a finite number`;
  if (kind === 'year') return Number.isInteger(value) ? undefined : `is ${value}, not a whole year (for a year drawn from a distribution, write round(name))`;
  if (value < 0) return kind === 'volume' ? `is negative (${value}); capacities and demands must be ≥ 0` : `is negative (${value})`;
  return undefined;
}

function evaluateSeries(vc: ValueContext, series: Record<string, number | string>, kind: Kind): ValueResult {
  const points: { year: number; key: string; value: number | string }[] = [];
  const issues: ValueIssue[] = [];
  let then: string | undefined;
  for (const [key, value] of Object.entries(series)) {
    if (key === 'then') {
      if (typeof value === 'string') then = value;
      else issues.push({ subpath: [key], message: '`then` must be an expression string' });
    } else if (/^\d{4}$/.test(key)) {
      points.push({ year: Number(key), key, value });
    } else {
      issues.push({ subpath: [key], message: `series key "${key}" is neither a year nor \`then\``, hint: 'a series maps years (2024: 4.48) to values' });
    }
  }
  if (points.length === 0 && issues.length === 0) issues.push({ subpath: [], message: 'a yearly series needs at least one year' });
  if (issues.length > 0) return { ok: false, issues };
  points.sort((a, b) => a.year - b.year);
  const values: number[] = [];
  for (const p of points) {
    const r = pointValue(vc, p.value, p.year, kind, p.key);
    if (typeof r === 'number') values.push(r);
    else issues.push(r);
  }
  if (issues.length > 0) return { ok: false, issues };
  const out = interpolate(vc, points.map((p) => p.year), values);
  if (then === undefined) return { ok: true, values: out };
  const lastYear = points[points.length - 1]!.year;
  const extra = new Map([[SERIES_BASE, values[values.length - 1]!], [SERIES_BASE_YEAR, lastYear]]);
  const from = Math.max(0, lastYear + 1 - vc.startYear);
  return evaluateExpressionValue(vc, then, kind, ['then'], extra, from, out);
}

function pointValue(vc: ValueContext, value: number | string, year: number, kind: Kind, key: string): number | ValueIssue {
  const one: ValueContext = { ...vc, startYear: year, years: 1 };
  const r = evaluateValue(one, value, kind);
  if (r.ok) return r.values[0]!;
  const first = r.issues[0]!;
  return { ...first, subpath: [key, ...first.subpath] };
}

/** Linear between points, held before the first and after the last. */
function interpolate(vc: ValueContext, years: number[], values: number[]): number[] {
  const out = yearArray(vc.years);
  let j = 0;
  for (let i = 0; i < vc.years; i++) {
    const y = vc.startYear + i;
    while (j < years.length - 1 && years[j + 1]! <= y) j++;
    if (y <= years[0]!) out[i] = values[0]!;
    else if (j >= years.length - 1) out[i] = values[values.length - 1]!;
    else {
      const t = (y - years[j]!) / (years[j + 1]! - years[j]!);
      out[i] = values[j]! + t * (values[j + 1]! - values[j]!);
    }
  }
  return out;
}
