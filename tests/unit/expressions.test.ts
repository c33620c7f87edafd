// The restricted mathjs instance: what it evaluates, and what it refuses.
import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../src/units/expr.js';
import { createMathContext } from '../../src/units/math.js';
import { evaluateValue } from '../../src/units/values.js';

const ctx = createMathContext([['TEU', '10 t'], ['train', '2300 t']]);
const vars = new Set(['growth', 'yr']);
const refusal = (text: string): string => {
  const r = compileExpression(ctx, text, vars);
  return r.ok ? 'accepted' : r.message;
};

describe('hostile expressions are refused before they run', () => {
  it.each([
    ['import', 'import({x: 1})', /function "import" is not allowed/],
    ['createUnit', 'createUnit("evil", "1 t")', /function "createUnit" is not allowed/],
    ['evaluate', 'evaluate("1+1")', /function "evaluate" is not allowed/],
    ['parse', 'parse("1+1")', /function "parse" is not allowed/],
    ['assignment', 'growth = 5', /assignment is not allowed/],
    ['function definition', 'f(x) = f(x) + 1', /function definitions are not allowed/],
    ['a huge matrix', 'zeros(3000, 3000)', /function "zeros" is not allowed/],
    ['a matrix literal', '[1, 2, 3]', /matrices and ranges are not allowed/],
    ['constructor access', 'growth.constructor', /property and index access is not allowed/],
    ['__proto__ access', 'growth["__proto__"]', /property and index access is not allowed/],
    ['a bare constructor name', 'constructor', /name "constructor" is not allowed/],
    ['a string constant', '"abc"', /only numbers may appear/],
    ['factorial', '170!', /operator "!" is not allowed/],
  ])('%s', (_what, text, message) => {
    expect(refusal(text)).toMatch(message);
  });

  it('refuses an over-long expression', () => {
    expect(refusal('1+'.repeat(300) + '1')).toMatch(/limit is 500/);
  });

  it('the instance itself has its entry points disabled', () => {
    expect(() => (ctx.math.evaluate as (s: string) => unknown)('1')).toThrow(/disabled/);
    expect(() => (ctx.math.import as (o: object) => unknown)({})).toThrow(/disabled/);
    expect(() => (ctx.math.createUnit as (s: string) => unknown)('x')).toThrow(/disabled/);
  });

  it('suggests a close param name for an unknown name', () => {
    const r = compileExpression(ctx, '1 + growht', vars);
    expect(r.ok ? '' : r.hint).toBe('did you mean `growth`?');
  });
});

describe('values', () => {
  const vc = { math: ctx, params: new Map([['growth', 0.1]]), startYear: 2024, years: 4 };

  it('a bare number is Mt/year', () => {
    expect(evaluateValue(vc, 4.5, 'volume')).toEqual({ ok: true, values: [4.5, 4.5, 4.5, 4.5] });
  });

  it('a quantity converts: 120000 TEU/year at 10 t per TEU is 1.2 Mt over a 365.25-day year', () => {
    const r = evaluateValue(vc, '120000 TEU/year', 'volume');
    expect(r.ok && r.values[0]).toBeCloseTo(1.2, 12);
  });

  it('an expression over params and yr', () => {
    const r = evaluateValue(vc, '2 * (1 + growth)^(yr - 2024)', 'volume');
    expect(r.ok && [...r.values].map((v) => +v.toFixed(9))).toEqual([2, 2.2, 2.42, 2.662]);
  });

  it('a series is linear between points, held outside, and continued by `then`', () => {
    const held = evaluateValue({ ...vc, startYear: 2023, years: 5 }, { 2024: 1, 2026: 3 }, 'volume');
    expect(held.ok && [...held.values]).toEqual([1, 1, 2, 3, 3]);
    const cont = evaluateValue({ ...vc, startYear: 2023, years: 5 }, { 2024: 1, 2026: 3, then: 'base * 2^(yr - base_yr)' }, 'volume');
    expect(cont.ok && [...cont.values]).toEqual([1, 1, 2, 3, 6]);
  });

  it('incompatible units are reported with the units found', () => {
    const r = evaluateValue(vc, '5 km', 'volume');
    expect(r.ok ? '' : r.issues[0]!.message).toMatch(/"5 km" has units \(km\) incompatible with a mass per time/);
  });

  it('non-finite and negative results are refused', () => {
    const inf = evaluateValue(vc, '1 / (yr - 2024)', 'volume');
    expect(inf.ok ? '' : inf.issues[0]!.message).toMatch(/Infinity, not a finite number in 2024/);
    const neg = evaluateValue(vc, -1, 'volume');
    expect(neg.ok ? '' : neg.issues[0]!.message).toMatch(/value is negative \(-1\)/);
  });
});
