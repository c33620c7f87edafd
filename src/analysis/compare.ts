// Side-by-side comparison of runs: the long compare table, one summary row
// per scenario, and the differences a person would say out loud. Pure.
import type { Result } from '../engine/simulate.js';
import type { Cell, Table } from '../io/csv.js';
import { yearMetrics, type YearMetrics } from '../engine/metrics.js';
import { isVolumeMetric, runTotals, type RunTotals } from './metrics.js';
import { elementWaitDays } from '../engine/choice.js';

export interface Compared {
  /** Column name: the scenario's name, or the variant's. */
  name: string;
  result: Result;
}

const TABLE_ORDER = ['summary', 'flows', 'routes', 'links', 'nodes'];

type Values = Map<string, number>;

/** `year \t table \t element \t metric` → value, volumes in Mt/year. */
function longValues(r: Result): Values {
  const { model } = r;
  const Y = model.years;
  const out: Values = new Map();
  const put = (y: number, table: string, element: string, metric: string, v: number) => {
    if (Number.isFinite(v)) out.set(`${model.startYear + y}\t${table}\t${element}\t${metric}`, v);
  };
  yearMetrics(r).forEach((m, y) => {
    put(y, 'summary', '', 'demand', m.demand);
    put(y, 'summary', '', 'served', m.served);
    put(y, 'summary', '', 'unserved', m.unserved);
    put(y, 'summary', '', 'max_utilization', m.maxUtilization);
  });
  for (let y = 0; y < Y; y++) {
    model.flows.forEach((f, i) => {
      put(y, 'flows', f.id, 'demand', r.flowDemand[i * Y + y]!);
      put(y, 'flows', f.id, 'served', r.flowServed[i * Y + y]!);
      put(y, 'flows', f.id, 'unserved', r.flowDemand[i * Y + y]! - r.flowServed[i * Y + y]!);
      for (const k of f.routes) {
        put(y, 'routes', `${f.id}/${model.routes[k]!.id}`, 'volume', r.routeVolume[k * Y + y]!);
        put(y, 'routes', `${f.id}/${model.routes[k]!.id}`, 'transit_days', r.routeTransit[k * Y + y]!);
      }
    });
    model.constraints.forEach((c, i) => {
      const el = model.elements[c.element]!;
      const id = c.cargo === 'total' ? el.id : `${el.id}/${c.cargo}`;
      const table = `${el.kind}s`;
      put(y, table, id, 'capacity', r.capacity[i * Y + y]!);
      put(y, table, id, 'flow', r.constraintFlow[i * Y + y]!);
      put(y, table, id, 'utilization', r.utilization[i * Y + y]!);
    });
  }
  return out;
}


/** compare.csv: one row per year, table, element and metric; a column per scenario, then deltas. */
export function compareTable(runs: readonly Compared[]): Table {
  const unit = runs[0]!.result.model.volumeUnit;
  const values = runs.map((r) => longValues(r.result));
  const keys = [...new Set(values.flatMap((v) => [...v.keys()]))].sort((a, b) => {
    const [ya, ta, ea, ma] = a.split('\t') as [string, string, string, string];
    const [yb, tb, eb, mb] = b.split('\t') as [string, string, string, string];
    return Number(ya) - Number(yb) || TABLE_ORDER.indexOf(ta) - TABLE_ORDER.indexOf(tb) || (ea < eb ? -1 : ea > eb ? 1 : 0) || (ma < mb ? -1 : ma > mb ? 1 : 0);
  });
  const others = runs.slice(1);
  const rows: Cell[][] = keys.map((key) => {
    const [year, table, element, metric] = key.split('\t') as [string, string, string, string];
    const k = isVolumeMetric(metric) ? unit.factor : 1;
    const vs = values.map((v) => (v.has(key) ? v.get(key)! * k : undefined));
    const base = vs[0];
    const deltas = others.flatMap((_, i) => {
      const v = vs[i + 1];
      if (base === undefined || v === undefined) return [null, null];
      const delta = v - base;
      return [delta, base !== 0 ? (delta / Math.abs(base)) * 100 : null];
    });
    const name = isVolumeMetric(metric) ? `${metric}${unit.suffix}` : metric;
    return [Number(year), table, element, name, ...vs, ...deltas];
  });
  const header = ['year', 'table', 'element', 'metric', ...runs.map((r) => r.name), ...others.flatMap((r) => [`delta_${r.name}`, `delta_pct_${r.name}`])];
  return { file: 'compare.csv', header, rows };
}

/** compare-summary.csv: one row per scenario. */
export function compareSummaryTable(runs: readonly Compared[]): Table {
  const unit = runs[0]!.result.model.volumeUnit;
  const rows: Cell[][] = runs.map(({ name, result }) => {
    const t = runTotals(result);
    return [name, t.served * unit.factor, t.unserved * unit.factor, t.firstUnservedYear ?? null, t.mostBinding, t.mostBindingYears, t.capexMusd];
  });
  const s = unit.suffix;
  return {
    file: 'compare-summary.csv',
    header: ['scenario', `served_total${s}`, `unserved_total${s}`, 'first_unserved_year', 'most_binding', 'most_binding_years', 'capex_musd'],
    rows,
  };
}

/** compare-bottlenecks.csv: the year's bottleneck in each scenario. */
export function bottleneckTable(runs: readonly Compared[]): Table {
  const years = runs.map((r) => new Map(yearMetrics(r.result).map((m) => [m.year, m.bottleneck])));
  const all = [...new Set(years.flatMap((y) => [...y.keys()]))].sort((a, b) => a - b);
  return {
    file: 'compare-bottlenecks.csv',
    header: ['year', ...runs.map((r) => r.name)],
    rows: all.map((year) => [year, ...years.map((y) => y.get(year) ?? null)]),
  };
}

export interface Finding {
  /** Scenario the finding is about (compared with the base). */
  scenario: string;
  /** First year it concerns; undefined for findings about the whole run. */
  year: number | undefined;
  text: string;
}

/** The differences between each other scenario and the base, ordered by scenario, then year. */
export function narrate(runs: readonly Compared[]): Finding[] {
  const [base, ...others] = runs as [Compared, ...Compared[]];
  const baseYears = yearMetrics(base.result);
  const baseTotals = runTotals(base.result, baseYears);
  const unit = base.result.model.volumeUnit;
  return others.flatMap((other) => {
    const years = yearMetrics(other.result);
    const totals = runTotals(other.result, years);
    const about = (year: number | undefined, text: string): Finding => ({ scenario: other.name, year, text });
    const findings = [
      ...inputChanges(base.result, other.result).map((t) => about(undefined, t)),
      about(undefined, firstUnservedText(baseTotals, totals)),
      about(undefined, servedText(base.result, baseTotals, totals, unit.factor, unit.name)),
      ...bottleneckMoves(baseYears, years).map(([y, t]) => about(y, t)),
      ...bindingChanges(base.name, baseYears, years).map(([y, t]) => about(y, t)),
      ...queueChanges(base.result, other.result).map(([y, t]) => about(y, t)),
    ];
    return findings.sort((a, b) => (a.year ?? -Infinity) - (b.year ?? -Infinity));
  });
}

function firstUnservedText(base: RunTotals, other: RunTotals): string {
  const a = base.firstUnservedYear;
  const b = other.firstUnservedYear;
  if (a === b) return `first year with unserved demand: ${a ?? 'none'} (unchanged)`;
  const shift = a !== undefined && b !== undefined ? ` (${b - a > 0 ? '+' : '−'}${Math.abs(b - a)})` : '';
  return `first year with unserved demand: ${a ?? 'none'} → ${b ?? 'none'}${shift}`;
}

function servedText(base: Result, a: RunTotals, b: RunTotals, factor: number, unit: string): string {
  const years = `${base.model.startYear}–${base.model.startYear + base.model.years - 1}`;
  const delta = (b.served - a.served) * factor;
  if (Math.abs(delta) < 5e-7) return `served over ${years}: ${fmt(a.served * factor)} ${unit} (unchanged)`;
  const sign = delta > 0 ? '+' : '−';
  const pct = a.served > 0 ? `, ${sign}${Math.abs((delta / (a.served * factor)) * 100).toFixed(1)} %` : '';
  return `served over ${years}: ${fmt(a.served * factor)} → ${fmt(b.served * factor)} ${unit} (${sign}${fmt(Math.abs(delta))}${pct})`;
}

const fmt = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 3 });

/** Runs of consecutive years with the same (base, other) pair, as "2026–2027" or "2026". */
function runsOf<T>(years: readonly number[], keyOf: (i: number) => T | undefined, same: (a: T, b: T) => boolean): [number, number, T][] {
  const out: [number, number, T][] = [];
  years.forEach((year, i) => {
    const k = keyOf(i);
    const last = out[out.length - 1];
    if (k === undefined) return;
    if (last && last[1] === year - 1 && same(last[2], k)) last[1] = year;
    else out.push([year, year, k]);
  });
  return out;
}

const span = (a: number, b: number) => (a === b ? `${a}` : `${a}–${b}`);

function bottleneckMoves(base: YearMetrics[], other: YearMetrics[]): [number, string][] {
  const byYear = new Map(base.map((m) => [m.year, m]));
  const years = other.map((m) => m.year);
  const key = (i: number): [string, string] | undefined => {
    const b = byYear.get(other[i]!.year);
    return b && b.bottleneck !== other[i]!.bottleneck ? [b.bottleneck, other[i]!.bottleneck] : undefined;
  };
  return runsOf(years, key, (a, b) => a[0] === b[0] && a[1] === b[1]).map(([from, to, [was, now]]) => [
    from,
    `${span(from, to)}: bottleneck moves from ${was || 'none'} to ${now || 'none'}`,
  ]);
}

function bindingChanges(baseName: string, base: YearMetrics[], other: YearMetrics[]): [number, string][] {
  const byYear = new Map(base.map((m) => [m.year, new Set(m.binding)]));
  const ids = [...new Set([...base, ...other].flatMap((m) => m.binding))].sort();
  const out: [number, string][] = [];
  for (const id of ids) {
    const years = other.map((m) => m.year);
    const state = (i: number): 'new' | 'gone' | undefined => {
      const inBase = byYear.get(other[i]!.year)?.has(id) ?? false;
      const inOther = other[i]!.binding.includes(id);
      return inOther && !inBase ? 'new' : inBase && !inOther ? 'gone' : undefined;
    };
    for (const [from, to, s] of runsOf(years, state, (a, b) => a === b)) {
      out.push([from, s === 'new' ? `${span(from, to)}: ${id} binds (it does not in ${baseName})` : `${span(from, to)}: ${id} no longer binds (it does in ${baseName})`]);
    }
  }
  return out;
}

/** A queue that changes by less than this (days) is not a finding. */
const QUEUE_STEP = 0.5;

/**
 * Route choice: where an element's queue (the wait its scarcity cost stands
 * for, its largest over its capacity rows) changes by half a day or more,
 * in runs of years: "2029–2031: aktau's queue 0 → 6.2 days (at most 9.4 in 2031)".
 */
function queueChanges(base: Result, other: Result): [number, string][] {
  if (!base.choice || !other.choice) return [];
  // Each element's queue by year (a closed element has none: 0).
  const queues = (r: Result) => new Map(r.model.elements.map((_, e) => [r.model.elements[e]!.id, Array.from({ length: r.model.years }, (_, y) => elementWaitDays(r, e, y) || 0)]));
  const a = queues(base);
  const b = queues(other);
  const out: [number, string][] = [];
  const start = other.model.startYear;
  // Year index i of the other run is i + shift of the base's.
  const shift = other.model.startYear - base.model.startYear;
  for (const [id, qb] of [...b].sort(([x], [y]) => (x < y ? -1 : 1))) {
    const qa = a.get(id);
    if (!qa) continue;
    const was = (i: number) => qa[i + shift] ?? 0;
    const years = qb.map((_, y) => start + y);
    const key = (i: number) => (Math.abs(qb[i]! - was(i)) >= QUEUE_STEP ? true : undefined);
    for (const [from, to] of runsOf(years, key, () => true)) {
      const i = from - start;
      const d = (x: number) => `${+x.toFixed(1)}`;
      let most = i;
      for (let k = i; k <= to - start; k++) if (qb[k]! > qb[most]!) most = k;
      const peak = to > from && most !== i ? ` (at most ${d(qb[most]!)} in ${start + most})` : '';
      out.push([from, `${span(from, to)}: ${id}'s queue ${d(was(i))} → ${d(qb[i]!)} days${peak}`]);
    }
  }
  return out;
}

/** Param and project differences: what was changed, in words. */
function inputChanges(base: Result, other: Result): string[] {
  const out: string[] = [];
  const pa = base.model.params;
  const pb = other.model.params;
  for (const name of [...new Set([...Object.keys(pa), ...Object.keys(pb)])].sort()) {
    if (pa[name] !== pb[name]) out.push(`param ${name}: ${pa[name] ?? 'unset'} → ${pb[name] ?? 'unset'}`);
  }
  const projects = new Map(other.model.projects.map((p) => [p.id, p]));
  for (const p of base.model.projects) {
    const q = projects.get(p.id);
    if (!q) out.push(`project ${p.id}: removed (was online ${p.online})`);
    else {
      if (q.online !== p.online) out.push(`project ${p.id}: online ${p.online} → ${q.online} (${q.online > p.online ? '+' : '−'}${Math.abs(q.online - p.online)} years)`);
      if (q.effect !== p.effect || q.amount[q.amount.length - 1] !== p.amount[p.amount.length - 1]) out.push(`project ${p.id}: effect changed`);
      if (q.rampYears !== p.rampYears) out.push(`project ${p.id}: ramp ${p.rampYears} → ${q.rampYears} years`);
    }
    projects.delete(p.id);
  }
  for (const q of projects.values()) out.push(`project ${q.id}: added (online ${q.online})`);
  return out;
}
