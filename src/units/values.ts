// Turns a scenario value (number, quantity, expression or yearly series) into
// one number per simulated year, in the internal unit of its kind.
import type { Unit } from 'mathjs';
import { compileExpression, type CompiledExpression, type CompileResult, type ExprValue } from './expr.js';
import { VOLUME_UNIT, type MathContext } from './math.js';

/** What a value measures, and so how a bare number and a unit are read. */
/** `usd_per_t_signed`: money per mass that may be negative (a route's constant). */
export type Kind = 'volume' | 'ratio' | 'musd' | 'days' | 'year' | 'usd_per_t' | 'usd_per_t_signed' | 'usd_per_t_day';

const KIND_TEXT: Record<Kind, string> = {
  volume: `a mass per time (a bare number is ${VOLUME_UNIT}, or e.g. "60 train/day")`,
  ratio: 'a plain number',
  musd: 'a number of million USD (a bare number, or an expression of params)',
  days: 'a time (a bare number is days, or e.g. "18 h")',
  year: 'a calendar year',
  usd_per_t: 'money per mass (a bare number is USD/t, or e.g. "12 USD/t")',
  usd_per_t_signed: 'money per mass, of either sign (a bare number is USD/t, or e.g. "-12 USD/t")',
  usd_per_t_day: 'money per mass and time (a bare number is USD per tonne-day, or e.g. "0.5 USD/t/day")',
};

/** The internal units of money values (the scenario's own currencies are defined in USD, e.g. `EUR: "1.08 USD"`). */
const MONEY_UNITS: Partial<Record<Kind, string>> = { usd_per_t: 'USD/t', usd_per_t_signed: 'USD/t', usd_per_t_day: 'USD/t/day' };

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
  if (typeof value === 'string') return expressionAt(vc, value).evaluate(vc, vc.startYear, vc.years, kind, [], undefined, 0, yearArray(vc.years));
  return seriesProgram(vc, value).evaluate(vc, kind);
}

function fail(subpath: (string | number)[], message: string, hint?: string): ValueResult {
  return { ok: false, issues: [{ subpath, message, ...(hint ? { hint } : {}) }] };
}

/** A series' `then`: the last point's value and year. */
interface SeriesBase {
  readonly value: number;
  readonly year: number;
}

/**
 * One place where an expression is evaluated, compiled once for the param
 * names: a sweep or Monte Carlo run re-normalises one scenario many times
 * with other param values. It remembers its last result and the values it
 * read, so a run that changes other params copies it (unit conversions cost
 * tens of microseconds each); a numeric expression runs as compiled
 * JavaScript over a vector of its variables (closure.ts), mathjs only where
 * it must.
 */
class ExpressionSite {
  private readonly vars: Float64Array;
  private readonly yrSlot: number;
  private last: { startYear: number; years: number; from: number; kind: Kind; read: Float64Array; values: number[] } | undefined;

  /** The variables the expression reads ([] if it did not compile). */
  readonly names: readonly string[];

  constructor(private readonly compiled: CompileResult) {
    const names = compiled.ok ? compiled.expr.names : [];
    this.names = names;
    this.vars = new Float64Array(names.length);
    this.yrSlot = names.indexOf(TIME_VARIABLE);
  }

  /** Values for years [from, years) of a context starting at `startYear`, written into `into`. */
  evaluate(vc: ValueContext, startYear: number, years: number, kind: Kind, subpath: (string | number)[], base: SeriesBase | undefined, from: number, into: number[]): ValueResult {
    if (!this.compiled.ok) return fail(subpath, this.compiled.message, this.compiled.hint);
    const { expr } = this.compiled;
    const { vars, yrSlot } = this;
    for (let i = 0; i < expr.names.length; i++) {
      const n = expr.names[i]!;
      if (i === yrSlot) vars[i] = NaN;
      else if (base && n === SERIES_BASE) vars[i] = base.value;
      else if (base && n === SERIES_BASE_YEAR) vars[i] = base.year;
      else {
        vars[i] = vc.params.get(n)!;
        vc.reads?.add(n);
      }
    }
    const last = this.last;
    if (last && last.startYear === startYear && last.years === years && last.from === from && last.kind === kind && sameValues(last.read, vars)) {
      for (let i = from; i < years; i++) into[i] = last.values[i - from]!;
      return { ok: true, values: into };
    }
    // An expression that does not read `yr` has one value for all years: evaluate it once.
    for (let i = from; i < years; i++) {
      if (yrSlot < 0 && i > from) {
        into[i] = into[from]!;
        continue;
      }
      const result = this.at(vc, expr, startYear + i, kind);
      if (typeof result === 'string') return fail(subpath, `"${expr.text}" ${result}`);
      into[i] = result;
    }
    this.remember(startYear, years, from, kind, into);
    return { ok: true, values: into };
  }

  /** Keeps this result as the last: in the last one's arrays when they fit (a Monte Carlo run evaluates every site anew). */
  private remember(startYear: number, years: number, from: number, kind: Kind, into: number[]): void {
    const last = this.last;
    if (!last || last.values.length !== years - from) {
      this.last = { startYear, years, from, kind, read: this.vars.slice(), values: into.slice(from) };
      return;
    }
    last.startYear = startYear;
    last.years = years;
    last.from = from;
    last.kind = kind;
    for (let i = 0; i < this.vars.length; i++) last.read[i] = this.vars[i]!;
    for (let i = from; i < years; i++) last.values[i - from] = into[i]!;
  }

  private at(vc: ValueContext, expr: CompiledExpression, year: number, kind: Kind): number | string {
    const { vars, yrSlot } = this;
    if (yrSlot >= 0) vars[yrSlot] = year;
    let raw: ExprValue;
    try {
      raw = expr.evaluate(vars);
    } catch (err) {
      return `cannot be evaluated in ${year}: ${(err as Error).message}`;
    }
    const value = toKind(vc, raw, kind);
    if (typeof value === 'string') return value;
    const issue = checkNumber(value, kind);
    return issue ? `${issue} in ${year}` : value;
  }
}

/** Same values, slot by slot; the `yr` slot holds NaN in both and is skipped. */
function sameValues(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]!) && Number.isNaN(b[i]!))) return false;
  return true;
}

/**
 * Compiled expressions by math context, variables and text (compiled code
 * reads params from its inputs, so it is valid for any values), and sites by
 * the same keys for expressions written as whole values.
 */
const compiledCache = new WeakMap<MathContext, Map<string, CompileResult>>();
const siteCache = new WeakMap<MathContext, Map<string, ExpressionSite>>();
const MAX_CACHED = 20_000;

/** The sorted names of a params map, worked out once per map (a series' points share it). */
const paramNameKeys = new WeakMap<ReadonlyMap<string, number>, string>();

function namesKey(vc: ValueContext): string {
  let names = paramNameKeys.get(vc.params);
  if (names === undefined) {
    // What-ifs of a scenario make a new map per run with the same names in the same order: the same key.
    let same = vc.params.size === lastNames.list.length;
    let i = 0;
    if (same) {
      for (const name of vc.params.keys()) {
        if (name !== lastNames.list[i++]) {
          same = false;
          break;
        }
      }
    }
    if (!same) {
      const list = [...vc.params.keys()];
      lastNames = { list, key: [...list].sort().join(',') };
    }
    paramNameKeys.set(vc.params, (names = lastNames.key));
  }
  return names;
}

/** The names of the params map namesKey last saw, in its order, and their key. */
let lastNames: { list: string[]; key: string } = { list: [], key: '' };

/** `text` compiled for the params (and, in a series' `then`, its base and base year). */
function compileCached(vc: ValueContext, text: string, withBase: boolean): CompileResult {
  let cache = compiledCache.get(vc.math);
  if (!cache) compiledCache.set(vc.math, (cache = new Map()));
  const key = `${namesKey(vc)}${withBase ? ';base' : ''}|${text}`;
  let r = cache.get(key);
  if (!r) {
    if (cache.size >= MAX_CACHED) cache.clear();
    const variables = new Set([...vc.params.keys(), TIME_VARIABLE, ...(withBase ? [SERIES_BASE, SERIES_BASE_YEAR] : [])]);
    cache.set(key, (r = compileExpression(vc.math, text, variables)));
  }
  return r;
}

/** The site of an expression written as a whole value, shared by every place with the same text. */
function expressionAt(vc: ValueContext, text: string): ExpressionSite {
  let cache = siteCache.get(vc.math);
  if (!cache) siteCache.set(vc.math, (cache = new Map()));
  const key = `${namesKey(vc)}|${text}`;
  let site = cache.get(key);
  if (!site) {
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(key, (site = new ExpressionSite(compileCached(vc, text, false))));
  }
  return site;
}

/**
 * A yearly series as written, checked and sorted once, with a site of its own
 * for each expression (two flows' `then` of the same text read different
 * bases, and each remembers its own last result).
 */
class SeriesProgram {
  readonly issues: ValueIssue[] = [];
  readonly points: { year: number; key: string; value: number | ExpressionSite }[] = [];
  readonly then: ExpressionSite | undefined;
  /** The params the points' expressions read, and the points' values and interpolation when last worked out. */
  private readonly pointNames: string[];
  private lastPoints: { startYear: number; years: number; kind: Kind; read: number[]; values: number[]; out: number[] } | undefined;

  constructor(vc: ValueContext, series: Readonly<Record<string, number | string>>) {
    let then: string | undefined;
    for (const [key, value] of Object.entries(series)) {
      if (key === 'then') {
        if (typeof value === 'string') then = value;
        else this.issues.push({ subpath: [key], message: '`then` must be an expression string' });
      } else if (/^\d{4}$/.test(key)) {
        this.points.push({ year: Number(key), key, value: typeof value === 'number' ? value : new ExpressionSite(compileCached(vc, value, false)) });
      } else {
        this.issues.push({ subpath: [key], message: `series key "${key}" is neither a year nor \`then\``, hint: 'a series maps years (2024: 4.48) to values' });
      }
    }
    if (this.points.length === 0 && this.issues.length === 0) this.issues.push({ subpath: [], message: 'a yearly series needs at least one year' });
    this.points.sort((a, b) => a.year - b.year);
    this.then = then === undefined ? undefined : new ExpressionSite(compileCached(vc, then, true));
    const names = new Set<string>();
    for (const p of this.points) if (typeof p.value !== 'number') for (const n of p.value.names) if (n !== TIME_VARIABLE) names.add(n);
    this.pointNames = [...names];
  }

  evaluate(vc: ValueContext, kind: Kind): ValueResult {
    if (this.issues.length > 0) return { ok: false, issues: this.issues };
    const known = this.lastPoints;
    if (known && known.startYear === vc.startYear && known.years === vc.years && known.kind === kind && this.readsSame(vc, known.read)) {
      // The points read none of the params that changed: their values and interpolation stand.
      for (const n of this.pointNames) vc.reads?.add(n);
      return this.finish(vc, kind, known.values, known.out.slice());
    }
    const values: number[] = [];
    const issues: ValueIssue[] = [];
    const one = yearArray(1);
    for (const p of this.points) {
      if (typeof p.value === 'number') {
        const issue = checkNumber(p.value, kind);
        if (issue) issues.push({ subpath: [p.key], message: `value ${issue}` });
        else values.push(p.value);
        continue;
      }
      const r = p.value.evaluate(vc, p.year, 1, kind, [], undefined, 0, one);
      if (r.ok) values.push(r.values[0]!);
      else issues.push({ ...r.issues[0]!, subpath: [p.key, ...r.issues[0]!.subpath] });
    }
    if (issues.length > 0) return { ok: false, issues };
    const out = interpolate(vc, this.points.map((p) => p.year), values);
    this.lastPoints = { startYear: vc.startYear, years: vc.years, kind, read: this.pointNames.map((n) => vc.params.get(n)!), values, out: out.slice() };
    return this.finish(vc, kind, values, out);
  }

  /** Whether the params the points read have the values in `read`. */
  private readsSame(vc: ValueContext, read: readonly number[]): boolean {
    for (let i = 0; i < this.pointNames.length; i++) if (vc.params.get(this.pointNames[i]!) !== read[i]) return false;
    return true;
  }

  /** The interpolated points `out`, then the `then` expression's years. */
  private finish(vc: ValueContext, kind: Kind, values: readonly number[], out: number[]): ValueResult {
    if (!this.then) return { ok: true, values: out };
    const lastYear = this.points[this.points.length - 1]!.year;
    const from = Math.max(0, lastYear + 1 - vc.startYear);
    return this.then.evaluate(vc, vc.startYear, vc.years, kind, ['then'], { value: values[values.length - 1]!, year: lastYear }, from, out);
  }
}

/** Series programs by math context and param names, for each series object as written. */
const seriesCache = new WeakMap<MathContext, Map<string, WeakMap<object, SeriesProgram>>>();

function seriesProgram(vc: ValueContext, series: Readonly<Record<string, number | string>>): SeriesProgram {
  let byNames = seriesCache.get(vc.math);
  if (!byNames) seriesCache.set(vc.math, (byNames = new Map()));
  const key = namesKey(vc);
  let programs = byNames.get(key);
  if (!programs) {
    if (byNames.size > 16) byNames.clear();
    byNames.set(key, (programs = new WeakMap()));
  }
  let program = programs.get(series);
  if (!program) programs.set(series, (program = new SeriesProgram(vc, series)));
  return program;
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
  } else if (MONEY_UNITS[kind] !== undefined && unit.equalBase(vc.math.math.unit(MONEY_UNITS[kind]))) {
    return unit.toNumber(MONEY_UNITS[kind]);
  }
  return `has units (${unit.formatUnits()}) incompatible with ${KIND_TEXT[kind]}`;
}

function checkNumber(value: number, kind: Kind): string | undefined {
  if (!Number.isFinite(value)) return `is ${value}, not a finite number`;
  if (kind === 'year') return Number.isInteger(value) ? undefined : `is ${value}, not a whole year (for a year drawn from a distribution, write round(name))`;
  if (value < 0 && kind !== 'usd_per_t_signed') return kind === 'volume' ? `is negative (${value}); capacities and demands must be ≥ 0` : `is negative (${value})`;
  return undefined;
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
