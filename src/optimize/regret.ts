// plan-regret.csv: how each plan fares in a few named futures against the
// plan one would have chosen knowing that future. The futures: the 5th, 50th
// and 95th percentile of demand among the futures planned for (nearest rank
// of total demand; their params as drawn, events as in the scenario), and,
// for each uncertain param that moves a project's or candidate's opening, its
// late case (the 95th percentile, the tornado's high setting; the latest value
// of a discrete one), everything else as written.
// Regret = PV of the plan's capex + the value of the tonnes it leaves short
// (behaviour's shortfall on each target-year × the flows' value_per_t,
// discounted at the appraisal rate) − PV of the perfect-foresight plan.
import { discountFactor } from '../appraise/cashflow.js';
import { certainEvents } from '../engine/capacity.js';
import type { Model } from '../engine/model.js';
import { simulate } from '../engine/simulate.js';
import { requiredIn, servedIn, targetYearIndices } from '../engine/targets.js';
import type { Cell, Table } from '../io/csv.js';
import { buildWhatIf, type LoadedSource } from '../scenario/index.js';
import { percentile } from '../sensitivity/tornado.js';
import { withDecisionsById } from './evaluate.js';
import type { Future } from './futures.js';
import { solveRobustPlan } from './robust.js';
import type { Solver } from './solver.js';
import { optimisedFuture, optimisedModel } from './network-demand.js';

export interface NamedFuture {
  readonly name: string;
  /** In words, for the table. */
  readonly description: string;
  readonly future: Future;
}

/** A plan to weigh: its decisions by candidate id and its PV of capex. */
export interface WeighedPlan {
  readonly name: string;
  readonly decided: ReadonlyMap<string, number>;
  readonly pv: number;
}

export interface Regret {
  readonly future: NamedFuture;
  readonly plan: string;
  /** undefined when no plan meets the targets in that future. */
  readonly pvPerfect: number | undefined;
  /** What perfect foresight builds in that future, as `id year` by opening year (empty when nothing). */
  readonly perfectPlan: string;
  readonly pvPlan: number;
  /** Mt, summed over the target-years. */
  readonly shortfall: number;
  readonly shortfallValue: number;
  readonly regret: number | undefined;
}

const DEMAND_PERCENTILES = [0.05, 0.5, 0.95] as const;
const LATE = 0.95;

const totalDemand = (model: Model): number => model.flows.reduce((s, f) => s + Array.from(f.demand).reduce((a, d) => a + d, 0), 0);

/** Opening years of every project and candidate, by id. */
const openings = (model: Model): Map<string, number> => new Map([...model.projects, ...model.candidates].map((p) => [p.id, p.online]));

export function namedFutures(source: LoadedSource, central: Model, set: readonly string[], planned: readonly Future[]): NamedFuture[] {
  const out: NamedFuture[] = [];
  const ranked = [...planned].sort((a, b) => totalDemand(a.model) - totalDemand(b.model) || a.run - b.run);
  for (const q of DEMAND_PERCENTILES) {
    const f = ranked[Math.max(0, Math.ceil(q * ranked.length) - 1)];
    if (!f) continue;
    const name = `demand-p${Math.round(q * 100)}`;
    out.push({ name, description: `${Math.round(q * 100)}th percentile of total demand among the ${ranked.length} futures planned for (run ${f.run})`, future: { ...f, events: certainEvents(f.model) } });
  }
  const before = openings(central);
  for (const p of central.uncertainty) {
    const value = percentile(p, LATE);
    const built = buildWhatIf(source, set, { [p.name]: value }, `late case of ${p.name}`);
    const model = built.model;
    if (!model || built.problems.some((q) => q.severity === 'error')) continue;
    const moved = [...openings(model)].filter(([id, year]) => year > (before.get(id) ?? year)).map(([id]) => id);
    if (moved.length === 0) continue;
    out.push({
      name: `${p.name}-late`,
      description: `${p.name} = ${value} (its late case): ${moved.join(', ')} later`,
      future: { run: -1, model, events: certainEvents(model), values: { [p.name]: value } },
    });
  }
  return out;
}

export function regrets(central: Model, named: readonly NamedFuture[], plans: readonly WeighedPlan[], solver: Solver): Regret[] {
  return named.flatMap((n) => {
    const perfect = solveRobustPlan(optimisedModel(central), [optimisedFuture(n.future)], solver, { confidence: 1, objective: 'capex' });
    const pvPerfect = perfect.feasible ? perfect.pv.reduce((s, x) => s + x, 0) : undefined;
    const perfectPlan = perfect.feasible ? buildsText(central, perfect.online) : 'no plan meets the targets';
    return plans.map((plan) => {
      const { shortfall, value } = shortfallOf(n.future, plan.decided);
      return { future: n, plan: plan.name, pvPerfect, perfectPlan, pvPlan: plan.pv, shortfall, shortfallValue: value, regret: pvPerfect === undefined ? undefined : plan.pv + value - pvPerfect };
    });
  });
}

/** A plan's builds in words, by opening year then id: "kz-container-vessels 2027; alat-phase2-containers 2028". */
function buildsText(central: Model, online: readonly (number | undefined)[]): string {
  const built = central.candidates.flatMap((k, i) => (online[i] === undefined ? [] : [{ id: k.id, year: online[i]! }]));
  built.sort((a, b) => a.year - b.year || (a.id < b.id ? -1 : 1));
  return built.map((b) => `${b.id} ${b.year}`).join('; ') || 'nothing';
}

/** A future's draws in words: "titr_growth=0.3627; vessels_online=2028" (params in name order); "as written" when it draws none. */
export function drawsText(values: Readonly<Record<string, number>>): string {
  const names = Object.keys(values).sort();
  return names.map((n) => `${n}=${+values[n]!.toPrecision(6)}`).join('; ') || 'as written';
}

/** Behaviour's shortfall on every target-year with the plan's decisions in the future, and its value (million USD, discounted). */
function shortfallOf(future: Future, decided: ReadonlyMap<string, number>): { shortfall: number; value: number } {
  const model = withDecisionsById(future.model, decided);
  const result = simulate(model, { eventApplies: future.events });
  const e = model.economics;
  let shortfall = 0;
  let value = 0;
  for (const { target, y } of targetYearIndices(model)) {
    const short = Math.max(0, requiredIn(result, target, y) - servedIn(result, target, y));
    if (short <= 0) continue;
    const flows = model.targets[target]!.flows;
    const perT = flows.reduce((s, f) => s + e.valuePerT[f]![y]!, 0) / Math.max(1, flows.length);
    shortfall += short;
    value += short * perT * discountFactor(e.discountRate, model.startYear + y, e.baseYear);
  }
  return { shortfall, value };
}

/** plan-regret.csv: by named future, then plan. */
export function regretTable(model: Model, rows: readonly Regret[]): Table {
  const k = model.volumeUnit.factor;
  const blank = (x: number | undefined): Cell => (x === undefined ? '' : x);
  return {
    file: 'plan-regret.csv',
    header: [
      'scenario', 'future', 'description', 'draws', 'perfect_plan', 'plan', 'pv_perfect_musd', 'pv_plan_musd', `shortfall${model.volumeUnit.suffix}`, 'shortfall_value_musd', 'regret_musd',
    ],
    rows: rows.map((r) => [
      model.name, r.future.name, r.future.description, drawsText(r.future.future.values), r.perfectPlan, r.plan, blank(r.pvPerfect), r.pvPlan, r.shortfall * k, r.shortfallValue, blank(r.regret),
    ]),
  };
}
