// A yearly stream of benefits and costs (million USD) and what appraisal
// guidance reads from it: present values at a discount rate, NPV, BCR, the
// EIRR (the rate at which NPV = 0, found by bisection inside a bracket where
// NPV changes sign, or no rate with the reason why) and the discounted
// payback year. Pure functions of the numbers; see docs/appraisal.md.

export interface CashFlow {
  /** Calendar year of index 0. */
  readonly startYear: number;
  /** Million USD per year: benefits (residual value in the last year included) and costs. */
  readonly benefits: ArrayLike<number>;
  readonly costs: ArrayLike<number>;
}

/** (1 + rate)^−(year − baseYear): a value in `year` as of `baseYear`. */
export const discountFactor = (rate: number, year: number, baseYear: number): number => (1 + rate) ** -(year - baseYear);

/** PV of a capex spread by its profile over the years ending with `online` (financial prices, as plans weigh it). */
export function capexPresentValue(capexMusd: number, profile: readonly number[], online: number, rate: number, baseYear: number): number {
  const first = online - profile.length + 1;
  return profile.reduce((pv, share, i) => pv + capexMusd * share * discountFactor(rate, first + i, baseYear), 0);
}

/** Σ values × discount factor over the years from `from` on (earlier ones are left out: sunk). */
export function presentValue(values: ArrayLike<number>, startYear: number, rate: number, baseYear: number, from = -Infinity): number {
  let pv = 0;
  for (let i = Math.max(0, from - startYear); i < values.length; i++) pv += values[i]! * discountFactor(rate, startYear + i, baseYear);
  return pv;
}

/** How a scenario discounts: its rate and base year, and the first year counted (−∞, or the base year with `sunk: exclude`). */
export interface Discounting {
  readonly rate: number;
  readonly baseYear: number;
  readonly from: number;
}

export const discountingOf = (e: { discountRate: number; baseYear: number; sunk: 'compound' | 'exclude' }): Discounting => ({
  rate: e.discountRate,
  baseYear: e.baseYear,
  from: e.sunk === 'exclude' ? e.baseYear : -Infinity,
});

/** The cash flow from `from` on (years before it dropped), as EIRR and payback read it. */
function counted(cf: CashFlow, from: number): CashFlow {
  const skip = Math.max(0, Math.min(cf.benefits.length, from - cf.startYear));
  if (skip === 0) return cf;
  return { startYear: cf.startYear + skip, benefits: Array.prototype.slice.call(cf.benefits, skip), costs: Array.prototype.slice.call(cf.costs, skip) };
}

export const npvAt = (cf: CashFlow, d: Discounting): number =>
  presentValue(cf.benefits, cf.startYear, d.rate, d.baseYear, d.from) - presentValue(cf.costs, cf.startYear, d.rate, d.baseYear, d.from);

export interface Summary {
  pvBenefits: number;
  pvCosts: number;
  npv: number;
  /** PV benefits ÷ PV costs; undefined without costs. */
  bcr: number | undefined;
  eirr: Eirr;
  /** From the first year with a cost: the first year from which the cumulative discounted net benefit stays ≥ 0; undefined if it ends below 0, or without costs. */
  paybackYear: number | undefined;
}

export function summarize(whole: CashFlow, d: Discounting): Summary {
  const cf = counted(whole, d.from);
  const { rate, baseYear } = d;
  const pvBenefits = presentValue(cf.benefits, cf.startYear, rate, baseYear);
  const pvCosts = presentValue(cf.costs, cf.startYear, rate, baseYear);
  return {
    pvBenefits,
    pvCosts,
    npv: pvBenefits - pvCosts,
    bcr: pvCosts > 0 ? pvBenefits / pvCosts : undefined,
    eirr: eirr(cf),
    paybackYear: paybackYear(cf, rate, baseYear),
  };
}

/**
 * Why there is no EIRR: NPV positive at every rate (it ranks as +∞), negative
 * at every rate (−∞), several rates, or nothing at all.
 */
export type NoRate = 'positive' | 'negative' | 'several' | 'nothing';
/** An appraised row's verdict in words: the programme pays or not; a project by its EIRR against the hurdle where it has one, else by the sign of its NPV. */
export function verdictOf(programme: boolean, npv: number, eirr: number | undefined, hurdle: number): string {
  if (programme) return npv >= 0 ? 'the programme pays' : 'the programme does not pay';
  if (eirr !== undefined) return eirr >= hurdle ? 'worth it' : 'below the hurdle';
  return npv >= 0 ? 'worth it' : 'not worth it';
}

export type Eirr = { readonly rate: number } | { readonly rate: undefined; readonly kind: NoRate; readonly reason: string };

/** Rates scanned for a sign change of NPV: −99 % to 1,000 % a year, finer where rates usually lie. */
const SCAN: readonly number[] = [
  -0.99, -0.9, -0.75, -0.5, -0.3, -0.2, -0.1, -0.05,
  ...Array.from({ length: 101 }, (_, i) => i * 0.005), // 0 … 50 % in steps of 0.5 %
  0.6, 0.75, 1, 1.5, 2, 3, 5, 10,
];
const LOWEST = SCAN[0]!;
const HIGHEST = SCAN[SCAN.length - 1]!;

/**
 * The economic internal rate of return: the rate r at which NPV(r) = 0 (it
 * does not depend on the base year: moving it multiplies NPV by a positive
 * factor). NPV is evaluated on a scan of rates; a single sign change is
 * bisected to 1e-12. None when NPV keeps its sign over the scan (the reason
 * says which sign), or changes it more than once (several rates: the
 * cash flow changes sign more than once, and no one rate is "the" EIRR).
 */
export function eirr(cf: CashFlow): Eirr {
  const net = Array.from({ length: cf.benefits.length }, (_, i) => cf.benefits[i]! - cf.costs[i]!);
  if (net.every((v) => Math.abs(v) < 1e-12)) return { rate: undefined, kind: 'nothing', reason: 'no benefits and no costs' };
  const f = (r: number) => presentValue(net, 0, r, 0);
  const values = SCAN.map(f);
  const brackets: [number, number][] = [];
  for (let i = 1; i < SCAN.length; i++) {
    if (values[i] === 0) brackets.push([SCAN[i]!, SCAN[i]!]);
    else if (values[i - 1]! !== 0 && Math.sign(values[i]!) !== Math.sign(values[i - 1]!)) brackets.push([SCAN[i - 1]!, SCAN[i]!]);
  }
  const pct = (r: number) => `${+(r * 100).toFixed(0)} %`;
  if (brackets.length === 0) {
    return values[0]! > 0
      ? { rate: undefined, kind: 'positive', reason: `NPV is positive at every rate from ${pct(LOWEST)} to ${pct(HIGHEST)} a year: no costs outweigh the benefits before them` }
      : { rate: undefined, kind: 'negative', reason: `NPV is negative at every rate from ${pct(LOWEST)} to ${pct(HIGHEST)} a year: the benefits never repay the costs` };
  }
  const roots = brackets.map(([lo, hi]) => bisect(f, lo, hi, 1e-12));
  if (roots.length > 1) {
    return { rate: undefined, kind: 'several', reason: `several rates give NPV 0 (${roots.map((r) => `${+(r * 100).toFixed(2)} %`).join(', ')}): the net cash flow changes sign more than once` };
  }
  return { rate: roots[0]! };
}

/** A root of f between `lo` and `hi`, where f changes sign (`flo`: f(lo), if known), to within `tolerance`. */
export function bisect(f: (x: number) => number, lo: number, hi: number, tolerance: number, flo = f(lo)): number {
  for (let i = 0; i < 200 && Math.abs(hi - lo) > tolerance; i++) {
    const mid = (lo + hi) / 2;
    const fm = f(mid);
    if (fm === 0) return mid;
    if (Math.sign(fm) === Math.sign(flo)) {
      lo = mid;
      flo = fm;
    } else hi = mid;
  }
  return (lo + hi) / 2;
}

function paybackYear(cf: CashFlow, rate: number, baseYear: number): number | undefined {
  let cumulative = 0;
  let from: number | undefined;
  let costs = false;
  for (let i = 0; i < cf.benefits.length; i++) {
    const year = cf.startYear + i;
    cumulative += (cf.benefits[i]! - cf.costs[i]!) * discountFactor(rate, year, baseYear);
    costs ||= cf.costs[i]! > 0;
    if (!costs) continue;
    if (cumulative >= -1e-9) from ??= year;
    else from = undefined;
  }
  return from;
}
