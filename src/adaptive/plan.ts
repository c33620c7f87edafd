// `plan --adaptive`: rules chosen for the planning futures (search.ts), and
// what they give: the rules themselves, the pathways (the share of futures
// with each project open by each year), and the tipping points of the
// network as it is (the first year each target is missed, per future).
import type { Model } from '../engine/model.js';
import { targetYearIndices } from '../engine/targets.js';
import type { Cell, Table } from '../io/csv.js';
import type { Future } from '../optimize/futures.js';
import type { Decisions } from '../optimize/plan.js';
import { NEVER, RuledFuture, type Rule } from './rules.js';
import { RuleSearch, type Family, type Score } from './search.js';

/** Indices of `ids` in id order (ties are broken by candidate id). */
const byIdOrder = (ids: readonly string[]): number[] => ids.map((_, i) => i).sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));

/** Persistence years searched when the scenario gives none. */
const PERSIST_YEARS = [1, 2, 3] as const;

/** What the scenario leaves to the search, per candidate (in model order). */
export function families(model: Model): Family[] {
  const end = model.startYear + model.years - 1;
  return model.candidates.map((k) => ({
    persists: k.trigger?.persistYears !== undefined ? [k.trigger.persistYears] : PERSIST_YEARS,
    threshold: k.trigger?.threshold,
    signal: k.trigger !== undefined,
    years: Array.from({ length: Math.max(0, Math.min(k.latest, end) - k.online + 1) }, (_, i) => k.online + i),
  }));
}

/** A static plan as rules: each built candidate in its year, the others never. */
export const staticRules = (online: Decisions): Rule[] => online.map((o) => (o === undefined ? NEVER : { kind: 'year', year: o }));

export interface AdaptivePlan {
  readonly score: Score;
  /** The planning futures as the rules ran them. */
  readonly futures: readonly RuledFuture[];
}

/** A search of rules over these futures (their runs are kept by the RuledFutures it makes). */
export function ruleSearch(model: Model, futures: readonly Future[], need: number, onStep?: () => void): RuleSearch {
  const ids = model.candidates.map((k) => k.id);
  return new RuleSearch(futures.map((f) => new RuledFuture(f, ids, futures.length)), families(model), { need, order: byIdOrder(ids), ...(onStep ? { onStep } : {}) });
}

/** Where the search starts: the static plan `start` (when there is one) and every candidate at its earliest year. */
export const startsOf = (model: Model, start: Decisions | undefined): Rule[][] => [...(start ? [staticRules(start)] : []), staticRules(model.candidates.map((k) => k.online))];

/**
 * The rules that meet each target-year in at least `need` of the futures at
 * the least expected PV of capex: a descent from each start, the best end
 * (serial; the command runs the descents in parallel, descentRules).
 */
export function adaptivePlan(model: Model, futures: readonly Future[], need: number, start: Decisions | undefined, onStep?: () => void): AdaptivePlan {
  const search = ruleSearch(model, futures, need, onStep);
  return { score: search.search(startsOf(model, start)), futures: search.futures };
}

/** One descent of the search, for a thread: the rules it ends with. */
export function* descentRules(model: Model, futures: readonly Future[], need: number, start: readonly Rule[], onStep?: () => void): Generator<void, Rule[]> {
  const end = yield* ruleSearch(model, futures, need, onStep).descend(start);
  return [...end.rules];
}

/** A descent as a worker task: the futures are drawn again there (run i of seed S, as on the main thread). */
export interface AdaptiveSearchTask {
  file: string;
  set: string[];
  seed: number | string;
  runs: number;
  need: number;
  start: Rule[];
}

/** plan-adaptive.csv: each candidate's rule, by id. */
export function adaptiveTable(model: Model, rules: readonly Rule[]): Table {
  const rows: Cell[][] = byIdOrder(model.candidates.map((k) => k.id)).map((i) => {
    const k = model.candidates[i]!;
    const r = rules[i]!;
    const signal = r.kind === 'never' ? '' : r.kind === 'year' ? `year:${r.year}` : k.trigger!.signal.label;
    return [model.name, k.id, signal, r.kind === 'signal' ? r.threshold : '', r.kind === 'signal' ? r.persist : '', k.leadYears];
  });
  return { file: 'plan-adaptive.csv', header: ['scenario', 'project', 'signal', 'threshold', 'persist_years', 'lead_years'], rows };
}

/** One rule in words: "when utilization:caspian-crossing ≥ 0.92 for 2 years (opens 1 year later)". */
export function ruleText(model: Model, j: number, rule: Rule): string {
  const k = model.candidates[j]!;
  if (rule.kind === 'never') return 'never';
  if (rule.kind === 'year') return `in ${rule.year} regardless`;
  const years = (n: number) => `${n} year${n === 1 ? '' : 's'}`;
  const lead = k.leadYears > 0 ? `, opening ${years(k.leadYears)} later` : '';
  return `when ${k.trigger!.signal.label} ≥ ${+rule.threshold.toFixed(6)} for ${years(rule.persist)}${lead}`;
}

/** plan-pathways.csv: per plan, project and year, the share of the planning futures with the project open by then. */
export function pathwaysTable(model: Model, adaptive: readonly (readonly (number | undefined)[])[], robust: Decisions): Table {
  const order = byIdOrder(model.candidates.map((k) => k.id));
  const rows: Cell[][] = [];
  const n = adaptive.length;
  for (const plan of ['adaptive', 'robust'] as const) {
    for (const j of order) {
      for (let y = 0; y < model.years; y++) {
        const year = model.startYear + y;
        const share = plan === 'robust' ? (robust[j] !== undefined && robust[j]! <= year ? 1 : 0) : adaptive.filter((open) => open[j] !== undefined && open[j]! <= year).length / n;
        rows.push([model.name, plan, model.candidates[j]!.id, year, share]);
      }
    }
  }
  return { file: 'plan-pathways.csv', header: ['scenario', 'plan', 'project', 'year', 'p_built'], rows };
}

/**
 * tipping-points.csv: with no candidate built, per target and year in force,
 * the share of the planning futures whose first missed year of the target
 * (under behaviour) is that year.
 */
export function tippingTable(model: Model, futures: readonly RuledFuture[]): Table {
  const ty = targetYearIndices(model);
  const first = new Map<string, number>();
  for (const f of futures) {
    const met = f.run(model.candidates.map(() => undefined)).met;
    const seen = new Set<number>();
    ty.forEach(({ target, y }, i) => {
      if (met[i] || seen.has(target)) return;
      seen.add(target);
      const key = `${target}/${y}`;
      first.set(key, (first.get(key) ?? 0) + 1);
    });
  }
  const rows: Cell[][] = [...ty]
    .sort((a, b) => a.target - b.target || a.y - b.y)
    .map(({ target, y }) => [model.name, model.targets[target]!.id, model.startYear + y, (first.get(`${target}/${y}`) ?? 0) / futures.length]);
  return { file: 'tipping-points.csv', header: ['scenario', 'target', 'year', 'p_first_missed'], rows };
}
