// With-project against without-project, from the behavioural simulation
// (the real one, with spill). For each project: the scenario as it is
// against the scenario with that project removed ("last in"), and the
// project alone against no project at all ("alone"); for the programme: all
// projects against none. Projects interact, so the two per-project views
// differ (two projects in series: each is worth nothing alone and the whole
// benefit last in) and the output shows both. Method: docs/appraisal.md.
import type { Model, ProjectModel } from '../engine/model.js';
import { isChoice } from '../engine/choice.js';
import { simulate, type Result, type SimulateOptions } from '../engine/simulate.js';
import { discountingOf, presentValue, summarize, type CashFlow, type Summary } from './cashflow.js';
import { add, cashFlowOf, ledgerRows, WORLD, type LedgerRow, type Lines } from './ledger.js';

/** What one comparison of two runs gives per year (index into the model's years). */
export interface Streams extends CashFlow {
  readonly benefits: number[];
  readonly costs: number[];
  /** Mt/year served with minus without. */
  readonly deltaServed: number[];
  /** Million tonne-days of transit saved on the tonnes carried in both cases. */
  readonly deltaTonneDays: number[];
  /** t CO₂ emitted with minus without. */
  readonly deltaCo2: number[];
  /** The lines by stakeholder and country that `benefits` and `costs` add up in the scenario's perspective. */
  readonly lines: Lines;
}

export interface Appraised {
  /** A project id, or PROGRAMME. */
  readonly id: string;
  readonly online: number | undefined;
  readonly capexMusd: number;
  readonly streams: Streams;
  readonly summary: Summary;
  /** For a costed project: its NPV alone against no project (undefined for the programme and uncosted projects). */
  readonly npvAlone: number | undefined;
  /** Whether its costs have a present value: if not, NPV, BCR and EIRR are not reported and `note` says why. */
  readonly appraised: boolean;
  /** Why it is not appraised, or what the programme row compares. */
  readonly note: string | undefined;
  /** Present values by stakeholder and country: the world's, then the scenario's perspective's if it is a country. */
  readonly ledger: readonly LedgerRow[];
}

/** The ledger of a row's streams in the world's perspective and (if another) the scenario's. */
function ledgerOf(model: Model, streams: Streams): LedgerRow[] {
  const d = discountingOf(model.economics);
  const p = model.economics.perspective;
  return [WORLD, ...(p === WORLD ? [] : [p])].flatMap((q) => ledgerRows(model, streams.lines, streams.startYear, d, q));
}

/** The id of the programme's row: every project together against none. */
export const PROGRAMME = '(programme)';

/** The scenario with only `keep` of its projects. */
export const withProjects = (model: Model, keep: (p: ProjectModel) => boolean): Model => ({ ...model, projects: model.projects.filter(keep) });

/** What a comparison of two runs gives per simulated year, before costs. */
export interface Effects {
  readonly users: Map<string, number[]>;
  readonly producers: Map<string, number[]>;
  readonly emissions: number[];
  readonly deltaServed: number[];
  readonly deltaTonneDays: number[];
  readonly deltaCo2: number[];
}

/**
 * Benefits per year of run `w` (with) against `wo` (without), million USD,
 * by stakeholder and country, and what makes them: Δ served, the tonne-days
 * saved on the tonnes carried in both cases (each flow's mean transit time,
 * weighted by its routes' volumes) and Δ CO₂.
 * - producers, per element's country: Δ(volume × (money − opex)) per tonne;
 * - users, per flow's country: in choice mode the change in consumer surplus
 *   on generalised cost (userBenefit); in spill and shares mode the simpler
 *   measure, Δ served × value_per_t + tonne-days saved × the value of time,
 *   less the producers' part of it (the ledger splits the same world value);
 * - emissions: −Δ CO₂ × the social cost of carbon.
 * Mt × USD/t = million USD.
 */
export function benefitsBetween(w: Result, wo: Result): Effects {
  const { model } = w;
  const Y = model.years;
  const users = new Map<string, number[]>();
  const producers = new Map<string, number[]>();
  const deltaServed = new Array<number>(Y).fill(0);
  const deltaTonneDays = new Array<number>(Y).fill(0);
  const e = model.economics;
  const choosing = isChoice(model);
  model.flows.forEach((f, i) => {
    for (let y = 0; y < Y; y++) {
      const q1 = w.flowServed[i * Y + y]!;
      const q0 = wo.flowServed[i * Y + y]!;
      const common = Math.min(q0, q1);
      const saved = common > 0 ? (meanDays(wo, f.routes, y) - meanDays(w, f.routes, y)) * common : 0;
      deltaServed[y] = deltaServed[y]! + q1 - q0;
      deltaTonneDays[y] = deltaTonneDays[y]! + saved;
      let produced = 0;
      for (const r of f.routes) {
        for (const el of model.routes[r]!.elements) {
          const p = w.routeVolume[r * Y + y]! * margin(w.model, el, y) - wo.routeVolume[r * Y + y]! * margin(wo.model, el, y);
          if (p !== 0) add(producers, model.elements[el]!.country, y, p, Y);
          produced += p;
        }
      }
      const user = choosing ? userBenefit(w, wo, i, y) : (q1 - q0) * e.valuePerT[i]![y]! + saved * e.valueOfTime[i]![y]! - produced;
      add(users, f.country, y, user, Y);
    }
  });
  // Mt × g CO₂/t = t CO₂; t × USD/t CO₂ ÷ 10⁶ = million USD.
  const deltaCo2 = Array.from({ length: Y }, (_, y) => co2Of(w, y) - co2Of(wo, y));
  const emissions = deltaCo2.map((d, y) => (-d * e.socialCostOfCarbon[y]!) / 1e6);
  return { users, producers, emissions, deltaServed, deltaTonneDays, deltaCo2 };
}

/** An element's producers' margin per tonne in year index y: its money less its opex, USD/t. */
const margin = (model: Model, e: number, y: number): number => model.elements[e]!.money[y]! - model.elements[e]!.opexPerT[y]!;

/** t CO₂ emitted in year index y: every route's volume × its g CO₂ per tonne. */
function co2Of(r: Result, y: number): number {
  const Y = r.model.years;
  let t = 0;
  r.model.routes.forEach((route, k) => (t += r.routeVolume[k * Y + y]! * route.co2GPerT));
  return t;
}

/** How benefits are measured, in words (manifest and summary). */
export const benefitMethod = (model: Model): string =>
  isChoice(model)
    ? "users' change in consumer surplus on generalised cost (route choice; each flow's choke price as written held fixed; rule of a half where demand is elastic)"
    : 'Δ served × value_per_t + transit days saved × value of time (the simpler method, of spill and shares scenarios)';

/**
 * Choice mode: the users' benefit of flow f in year index y, million USD, as
 * the change in consumer surplus under its demand curve with the choke price
 * P held fixed (holdChoke). CS(C) = s·q + D·max(0, P − C): served D up to P
 * and D·exp(−(C − P)/s) beyond, integrated from C up. With every route
 * closed, C = ∞ and CS = 0. With an elasticity, demand differs between the
 * cases and the benefit is the rule of a half, ½ (q₀ + q₁)(C₀ − C₁), with
 * C = P for a case with every route closed.
 */
export function userBenefit(w: Result, wo: Result, f: number, y: number): number {
  const Y = w.model.years;
  const i = f * Y + y;
  const flow = w.model.flows[f]!;
  const c1 = w.choice!.compositeCost[i]!;
  const c0 = wo.choice!.compositeCost[i]!;
  const q1 = w.flowServed[i]!;
  const q0 = wo.flowServed[i]!;
  if (flow.choice!.elasticity !== 0) {
    const P = w.choice!.choke[i]!;
    const at = (c: number) => (Number.isNaN(c) ? P : c);
    return 0.5 * (q0 + q1) * (at(c0) - at(c1));
  }
  const s = flow.choice!.spread[y]!;
  const cs = (r: Result, c: number, q: number) => (Number.isNaN(c) ? 0 : s * q + r.choice!.demand[i]! * Math.max(0, r.choice!.choke[i]! - c));
  return cs(w, c1, q1) - cs(wo, c0, q0);
}

/**
 * Choice mode: the scenario with each flow's choke price P_f = C⁰_f + v_f as
 * written held fixed, for every case an appraisal derives from it (without a
 * project, the tests, the switching values): willingness to pay belongs to
 * the shippers, not to the network. Other modes: the model itself.
 */
export function holdChoke(model: Model, options: SimulateOptions = {}): Model {
  if (!isChoice(model) || model.fixedChoke) return model;
  return { ...model, fixedChoke: simulate(model, options).choice!.choke.slice() };
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

/** Who pays a project's costs: its cost shares, or all of it the country of its target. */
function payers(model: Model, p: ProjectModel): [string, number][] {
  if (p.costShares) return Object.entries(p.costShares);
  return [[model.elements.find((e) => e.id === p.target)?.country ?? '', 1]];
}

/**
 * Costs per year of `projects`, million USD at economic prices (× the
 * conversion factor), from `startYear` (the first simulated year, or the
 * first year of a capex profile that reaches before it): capex spread by
 * each project's profile over the years ending with its opening year (none
 * for one that opens after the last simulated year), opex every simulated
 * year from the opening on; and their residual value at the horizon's end,
 * straight-line over each project's life. In total and by who pays.
 */
export function costsOf(
  model: Model, projects: readonly ProjectModel[], capexFactor = 1,
): { startYear: number; costs: number[]; residual: number; byCountry: Map<string, number[]>; residualByCountry: Map<string, number> } {
  const end = model.startYear + model.years - 1;
  const { conversionFactor } = model.economics;
  const built = projects.filter((p) => p.online <= end);
  const startYear = Math.min(model.startYear, ...built.map((p) => p.online - p.capexProfile.length + 1));
  const n = end - startYear + 1;
  const costs = new Array<number>(n).fill(0);
  const byCountry = new Map<string, number[]>();
  const residualByCountry = new Map<string, number>();
  let residual = 0;
  for (const p of built) {
    const { opexMusdPerYear, lifeYears } = model.economics.projects[p.id]!;
    const capex = (p.capexMusd ?? 0) * capexFactor * conversionFactor;
    const own = new Array<number>(n).fill(0);
    const first = p.online - p.capexProfile.length + 1;
    p.capexProfile.forEach((share, i) => (own[first + i - startYear]! += capex * share));
    for (let y = Math.max(p.online, model.startYear); y <= end; y++) own[y - startYear]! += opexMusdPerYear * conversionFactor;
    const inService = end - p.online + 1;
    const left = (capex * Math.max(0, lifeYears - inService)) / lifeYears;
    residual += left;
    own.forEach((v, i) => (costs[i]! += v));
    for (const [country, share] of payers(model, p)) {
      own.forEach((v, i) => v !== 0 && add(byCountry, country, i, v * share, n));
      residualByCountry.set(country, (residualByCountry.get(country) ?? 0) + left * share);
    }
  }
  return { startYear, costs, residual, byCountry, residualByCountry };
}

/**
 * The cash flow of `projects` given the two runs, from the first year with a
 * cost (benefits 0 before the first simulated year), as the scenario's
 * perspective sees it: residual value counts as a benefit in the last year.
 */
export function streamsOf(model: Model, projects: readonly ProjectModel[], w: Result, wo: Result, capexFactor = 1): Streams {
  const b = benefitsBetween(w, wo);
  const c = costsOf(model, projects, capexFactor);
  const lead = new Array<number>(model.startYear - c.startYear).fill(0);
  const pad = (m: Map<string, number[]>) => new Map([...m].map(([k, a]) => [k, [...lead, ...a]]));
  const lines: Lines = { users: pad(b.users), producers: pad(b.producers), emissions: [...lead, ...b.emissions], costs: c.byCountry, residual: c.residualByCountry };
  const { benefits, costs } = cashFlowOf(lines, model.economics.perspective);
  return {
    startYear: c.startYear, benefits, costs, deltaServed: [...lead, ...b.deltaServed], deltaTonneDays: [...lead, ...b.deltaTonneDays],
    deltaCo2: [...lead, ...b.deltaCo2], lines,
  };
}

/** Runs of one appraisal, kept for the switching values: the scenario itself, with no project, without the costed ones, and without each. */
export interface Runs {
  readonly all: Result;
  readonly none: Result;
  readonly uncosted: Result;
  readonly without: ReadonlyMap<string, Result>;
}

/** The projects whose costs have a present value (the others cannot be weighed: "not appraised"). */
export function costedProjects(model: Model): ProjectModel[] {
  const d = discountingOf(model.economics);
  return model.projects.filter((p) => {
    const { startYear, costs } = costsOf(model, [p]);
    return presentValue(costs, startYear, d.rate, d.baseYear, d.from) > 0;
  });
}

/** The projects an appraisal row is about (the programme: the costed ones), and its without case as a function of the model. */
export function rowCase(model: Model, id: string): { projects: readonly ProjectModel[]; without: (m: Model) => Model } {
  if (id === PROGRAMME) {
    const costed = new Set(costedProjects(model).map((p) => p.id));
    return { projects: model.projects.filter((p) => costed.has(p.id)), without: (m) => withProjects(m, (p) => !costed.has(p.id)) };
  }
  return { projects: model.projects.filter((p) => p.id === id), without: (m) => withProjects(m, (p) => p.id !== id) };
}

/** Why a row with no costs has no NPV, BCR or EIRR. */
function notAppraised(model: Model, projects: readonly ProjectModel[]): string {
  const end = model.startYear + model.years - 1;
  if (projects.every((p) => p.online > end)) return 'not appraised: it opens after the last simulated year';
  if (projects.every((p) => !p.capexMusd) && projects.every((p) => model.economics.projects[p.id]!.opexMusdPerYear === 0)) {
    return 'not appraised: no capex_musd and no opex are given, so there is nothing to weigh its benefits against';
  }
  return `not appraised: its costs all fall before the base year ${model.economics.baseYear} and are excluded (sunk: exclude)`;
}

/**
 * Every project of the scenario (last in, and alone) and the programme (every
 * costed project together against none of them; uncosted ones stay in both
 * cases). Runs: 3 + 2 per project.
 */
export function appraise(written: Model): { rows: Appraised[]; runs: Runs } {
  const model = holdChoke(written);
  const d = discountingOf(model.economics);
  const all = simulate(model);
  const none = simulate(withProjects(model, () => false));
  const costed = new Set(costedProjects(model));
  const uncosted = costed.size === model.projects.length ? none : simulate(withProjects(model, (p) => !costed.has(p)));
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
      summary: summarize(streams, d),
      npvAlone: costed.has(p) ? summarize(alone, d).npv : undefined,
      appraised: costed.has(p),
      ledger: ledgerOf(model, streams),
      note: costed.has(p) ? undefined : notAppraised(model, [p]),
    };
  });
  const programme = [...costed];
  const streams = streamsOf(model, programme, all, uncosted);
  const left = model.projects.length - programme.length;
  rows.push({
    id: PROGRAMME,
    online: programme.length > 0 ? Math.min(...programme.map((p) => p.online)) : undefined,
    capexMusd: programme.reduce((s, p) => s + (p.capexMusd ?? 0), 0),
    streams,
    summary: summarize(streams, d),
    npvAlone: undefined,
    appraised: programme.length > 0,
    ledger: ledgerOf(model, streams),
    note:
      programme.length === 0
        ? 'not appraised: no project has costs'
        : left > 0
          ? `the ${programme.length} costed projects against none of them; ${left} without costs stay in both cases`
          : undefined,
  });
  return { rows, runs: { all, none, uncosted, without } };
}
