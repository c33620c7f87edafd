// Who gains: an appraisal's benefits and costs by stakeholder and country
// (product.md, "Operators and the ledger"). Users' benefit falls in the
// country of a flow's shippers, producers' (money − opex on the tonnes an
// element carries) in the element's, a project's costs (and its residual
// value) in its cost shares' or its target's; emissions are a global
// externality, counted in full in every perspective. A perspective is
// `world` (every country: tariffs cancel between users and producers) or
// one country. The rows of one perspective sum to its NPV.
import type { Model } from '../engine/model.js';
import type { Cell, Table } from '../io/csv.js';
import { presentValue, type Discounting } from './cashflow.js';

/** Million USD per year by country code ('' for no country), indexed from the streams' start year. */
export type ByCountry = ReadonlyMap<string, readonly number[]>;

/** The lines of one comparison that a perspective adds up. */
export interface Lines {
  readonly users: ByCountry;
  readonly producers: ByCountry;
  /** −Δ CO₂ × the social cost of carbon: no country. */
  readonly emissions: readonly number[];
  /** Costs (positive) and residual value (a benefit in the last year) by who pays. */
  readonly costs: ByCountry;
  readonly residual: ReadonlyMap<string, number>;
}

export const WORLD = 'world';

/** Whether `country` counts in `perspective`. */
const counts = (perspective: string, country: string) => perspective === WORLD || perspective === country;

/** Adds `v` to `m`'s array for `country` at index i (arrays of length n, made on first use). */
export function add(m: Map<string, number[]>, country: string, i: number, v: number, n: number): void {
  let a = m.get(country);
  if (!a) m.set(country, (a = new Array<number>(n).fill(0)));
  a[i]! += v;
}

/** The benefit lines and costs per year as a perspective sees them (its countries summed; residual value in the last year). */
export function perspectiveLines(lines: Lines, perspective: string): { users: number[]; producers: number[]; emissions: number[]; residual: number[]; costs: number[] } {
  const n = lines.emissions.length;
  const sum = (m: ByCountry) => {
    const out = new Array<number>(n).fill(0);
    for (const [c, a] of m) if (counts(perspective, c)) a.forEach((v, i) => (out[i]! += v));
    return out;
  };
  const residual = new Array<number>(n).fill(0);
  for (const [c, v] of lines.residual) if (counts(perspective, c)) residual[n - 1]! += v;
  return { users: sum(lines.users), producers: sum(lines.producers), emissions: lines.emissions.slice(), residual, costs: sum(lines.costs) };
}

/** Benefits and costs per year as a perspective sees them: residual value counts as a benefit in the last year. */
export function cashFlowOf(lines: Lines, perspective: string): { benefits: number[]; costs: number[] } {
  const p = perspectiveLines(lines, perspective);
  return { benefits: p.users.map((u, i) => u + p.producers[i]! + p.emissions[i]! + p.residual[i]!), costs: p.costs };
}

/** Every country of the ledger: those of elements, flows and cost shares, and '' if an element or flow has none. */
export function ledgerCountries(model: Model): string[] {
  const named = [...model.elements.map((e) => e.country), ...model.flows.map((f) => f.country), ...model.projects.flatMap((p) => Object.keys(p.costShares ?? {}))];
  return [...new Set(named)].sort();
}

export interface LedgerRow {
  readonly perspective: string;
  readonly stakeholder: 'users' | 'producers' | 'emissions' | 'costs';
  readonly country: string;
  readonly pv: number;
}

/**
 * The ledger of one comparison in one perspective: users, producers and
 * costs (negative; residual value netted in) per country of the
 * perspective, zeros included, and one row of emissions.
 */
export function ledgerRows(model: Model, lines: Lines, startYear: number, d: Discounting, perspective: string): LedgerRow[] {
  const pv = (a: readonly number[] | undefined) => (a ? presentValue(a, startYear, d.rate, d.baseYear, d.from) : 0);
  const last = startYear + lines.emissions.length - 1;
  const residualPv = (c: string) => presentValue([lines.residual.get(c) ?? 0], last, d.rate, d.baseYear, d.from);
  const countries = ledgerCountries(model).filter((c) => counts(perspective, c));
  const rows: LedgerRow[] = [];
  for (const c of countries) rows.push({ perspective, stakeholder: 'users', country: c, pv: pv(lines.users.get(c)) });
  for (const c of countries) rows.push({ perspective, stakeholder: 'producers', country: c, pv: pv(lines.producers.get(c)) });
  rows.push({ perspective, stakeholder: 'emissions', country: '', pv: pv(lines.emissions) });
  for (const c of countries) rows.push({ perspective, stakeholder: 'costs', country: c, pv: residualPv(c) - pv(lines.costs.get(c)) });
  return rows;
}

/** appraisal-ledger.csv: per appraised row, the world's ledger and (if another) the chosen perspective's. */
export function ledgerTable(model: Model, rows: readonly { id: string; appraised: boolean; ledger: readonly LedgerRow[] }[]): Table {
  const out: Cell[][] = [];
  for (const r of rows) {
    if (!r.appraised) continue;
    for (const l of r.ledger) out.push([model.name, r.id, l.perspective, l.stakeholder, l.country, l.pv]);
  }
  return { file: 'appraisal-ledger.csv', header: ['scenario', 'project', 'perspective', 'stakeholder', 'country', 'pv_musd'], rows: out };
}
