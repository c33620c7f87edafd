// With-project against without-project, from the behavioural simulation
// (the real one, with spill). For each project: the scenario as it is
// against the scenario with that project removed ("last in"), and the
// project alone against no project at all ("alone"); for the programme: all
// projects against none. Projects interact, so the two per-project views
// differ (two projects in series: each is worth nothing alone and the whole
// benefit last in) and the output shows both. Method: docs/appraisal.md.
import type { Model, ProjectModel } from '../engine/model.js';
import { simulate, type Result } from '../engine/simulate.js';
import { summarize, type CashFlow, type Summary } from './cashflow.js';

/** What one comparison of two runs gives per year (index into the model's years). */
export interface Streams extends CashFlow {
  readonly benefits: number[];
  readonly costs: number[];
  /** Mt/year served with minus without. */
  readonly deltaServed: number[];
  /** Million tonne-days of transit saved on the tonnes carried in both cases. */
  readonly deltaTonneDays: number[];
}

export interface Appraised {
  /** A project id, or PROGRAMME. */
  readonly id: string;
  readonly online: number | undefined;
  readonly capexMusd: number;
  readonly streams: Streams;
  readonly summary: Summary;
  /** For a project: its NPV alone against no project (undefined for the programme). */
  readonly npvAlone: number | undefined;
}

/** The id of the programme's row: every project together against none. */
export const PROGRAMME = '(programme)';

/** The scenario with only `keep` of its projects. */
export const withProjects = (model: Model, keep: (p: ProjectModel) => boolean): Model => ({ ...model, projects: model.projects.filter(keep) });

/**
 * Benefits per year of run `w` (with) against `wo` (without), million USD:
 * Δ served × value_per_t, plus the days saved on the tonnes carried in both
 * cases (each flow's mean transit time, weighted by its routes' volumes) ×
 * the value of time. Mt × USD/t = million USD.
 */
export function benefitsBetween(w: Result, wo: Result): Pick<Streams, 'benefits' | 'deltaServed' | 'deltaTonneDays'> {
  const { model } = w;
  const Y = model.years;
  const benefits = new Array<number>(Y).fill(0);
  const deltaServed = new Array<number>(Y).fill(0);
  const deltaTonneDays = new Array<number>(Y).fill(0);
  const e = model.economics;
  model.flows.forEach((f, i) => {
    for (let y = 0; y < Y; y++) {
      const q1 = w.flowServed[i * Y + y]!;
      const q0 = wo.flowServed[i * Y + y]!;
      const common = Math.min(q0, q1);
      const saved = common > 0 ? (meanDays(wo, f.routes, y) - meanDays(w, f.routes, y)) * common : 0;
      deltaServed[y] = deltaServed[y]! + q1 - q0;
      deltaTonneDays[y] = deltaTonneDays[y]! + saved;
      benefits[y] = benefits[y]! + (q1 - q0) * e.valuePerT[i]![y]! + saved * e.valueOfTime[i]![y]!;
    }
  });
  return { benefits, deltaServed, deltaTonneDays };
}

/** A flow's mean transit days in year index y, weighted by its routes' volumes. */
function meanDays(r: Result, routes: readonly number[], y: number): number {
  const Y = r.model.years;
  let tonnes = 0;
  let tonneDays = 0;
  for (const k of routes) {
    const v = r.routeVolume[k * Y + y]!;
    tonnes += v;
    tonneDays += v * r.routeTransit[k * Y + y]!;
  }
  return tonnes > 0 ? tonneDays / tonnes : 0;
}

/**
 * Costs per year of `projects`, million USD: capex in the opening year (the
 * first simulated year for a project that opened before it; none for one that
 * opens after the last), opex every year from then on; and their residual
 * value at the horizon's end, straight-line over each project's life.
 */
export function costsOf(model: Model, projects: readonly ProjectModel[], capexFactor = 1): { costs: number[]; residual: number } {
  const Y = model.years;
  const end = model.startYear + Y - 1;
  const costs = new Array<number>(Y).fill(0);
  let residual = 0;
  for (const p of projects) {
    if (p.online > end) continue;
    const { opexMusdPerYear, lifeYears } = model.economics.projects[p.id]!;
    const capex = (p.capexMusd ?? 0) * capexFactor;
    const from = Math.max(0, p.online - model.startYear);
    costs[from] = costs[from]! + capex;
    for (let y = from; y < Y; y++) costs[y] = costs[y]! + opexMusdPerYear;
    const inService = end - p.online + 1;
    residual += (capex * Math.max(0, lifeYears - inService)) / lifeYears;
  }
  return { costs, residual };
}

/** The cash flow of `projects` given the two runs: residual value counts as a benefit in the last year. */
export function streamsOf(model: Model, projects: readonly ProjectModel[], w: Result, wo: Result, capexFactor = 1): Streams {
  const b = benefitsBetween(w, wo);
  const { costs, residual } = costsOf(model, projects, capexFactor);
  const benefits = b.benefits.slice();
  benefits[benefits.length - 1] = benefits[benefits.length - 1]! + residual;
  return { startYear: model.startYear, benefits, costs, deltaServed: b.deltaServed, deltaTonneDays: b.deltaTonneDays };
}

/** Runs of one appraisal, kept for the switching values: the scenario itself, with no project, and without each. */
export interface Runs {
  readonly all: Result;
  readonly none: Result;
  readonly without: ReadonlyMap<string, Result>;
}

/** Every project of the scenario (last in, and alone) and the programme. Runs: 2 + 2 per project. */
export function appraise(model: Model): { rows: Appraised[]; runs: Runs } {
  const e = model.economics;
  const all = simulate(model);
  const none = simulate(withProjects(model, () => false));
  const without = new Map<string, Result>();
  const rows = model.projects.map((p): Appraised => {
    const wo = simulate(withProjects(model, (q) => q !== p));
    without.set(p.id, wo);
    const streams = streamsOf(model, [p], all, wo);
    const alone = streamsOf(model, [p], simulate(withProjects(model, (q) => q === p)), none);
    return {
      id: p.id,
      online: p.online,
      capexMusd: p.capexMusd ?? 0,
      streams,
      summary: summarize(streams, e.discountRate, e.baseYear),
      npvAlone: summarize(alone, e.discountRate, e.baseYear).npv,
    };
  });
  const streams = streamsOf(model, model.projects, all, none);
  rows.push({
    id: PROGRAMME,
    online: model.projects.length > 0 ? Math.min(...model.projects.map((p) => p.online)) : undefined,
    capexMusd: model.projects.reduce((s, p) => s + (p.capexMusd ?? 0), 0),
    streams,
    summary: summarize(streams, e.discountRate, e.baseYear),
    npvAlone: undefined,
  });
  return { rows, runs: { all, none, without } };
}
