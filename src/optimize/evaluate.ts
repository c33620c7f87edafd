// Out-of-sample evaluation of a plan: its decisions run through the
// behavioural simulation in M futures drawn from another stream than the ones
// it was planned on. Per target-year: the share of futures in which free
// routing could meet it with the plan (p_met_optimal), the share in which
// behaviour does (p_met_behaviour), and the mean shortfall under behaviour.
import type { Model } from '../engine/model.js';
import { simulate } from '../engine/simulate.js';
import { isMet, requiredIn, servedIn, targetYearIndices } from '../engine/targets.js';
import type { Cell, Table } from '../io/csv.js';
import type { LoadedSource } from '../scenario/index.js';
import { drawFuture, evaluationSeed, type Future } from './futures.js';
import { mostForTarget, withDecisions, type Decisions } from './plan.js';
import type { Solver } from './solver.js';
import { optimisedModel } from './network-demand.js';

export interface Robustness {
  target: number;
  y: number;
  pMetOptimal: number;
  pMetBehaviour: number;
  /** Mt/year, mean over the futures of max(0, required − served by behaviour). */
  expectedShortfall: number;
}

/** A plan's decisions by candidate id, so that they apply to every future's model. */
export const decisionsById = (model: Model, online: Decisions): Map<string, number> =>
  new Map(model.candidates.flatMap((k, i) => (online[i] === undefined ? [] : [[k.id, online[i]!] as const])));

/** A future's model with a plan's decisions by candidate id (the inverse of decisionsById). */
export const withDecisionsById = (model: Model, decided: ReadonlyMap<string, number>): Model =>
  withDecisions(model, model.candidates.map((k) => decided.get(k.id)));

/** A plan's decisions by candidate id: the same in every future (a static plan), or each future's own (adaptive rules). */
export type Decided = ReadonlyMap<string, number> | ((future: Future) => ReadonlyMap<string, number>);

export function evaluatePlan(
  source: LoadedSource, base: Model, set: readonly string[], seed: number | string, runs: number, decided: Decided, solver: Solver, onRun: () => void = () => {},
): Robustness[] {
  const years = targetYearIndices(base);
  const tally = years.map(() => ({ optimal: 0, behaviour: 0, shortfall: 0 }));
  for (let run = 0; run < runs; run++) {
    const future = drawFuture(source, base, set, evaluationSeed(seed), run);
    const model = withDecisionsById(future.model, typeof decided === 'function' ? decided(future) : decided);
    const result = simulate(model, { eventApplies: future.events });
    const Y = model.years;
    years.forEach(({ target, y }, i) => {
      const need = requiredIn(result, target, y);
      const served = servedIn(result, target, y);
      const t = tally[i]!;
      t.shortfall += Math.max(0, need - served);
      // Behaviour is one routing: where it meets the target, free routing does too; the LP only where it does not.
      if (isMet(served, need)) {
        t.behaviour++;
        t.optimal++;
      } else {
        // Route choice: free routing of the free-flow network demand (optimisedModel).
        const lp = optimisedModel(model);
        const demand = lp === model ? (f: number) => result.flowDemand[f * Y + y]! : (f: number) => lp.flows[f]!.demand[y]!;
        if (isMet(mostForTarget(lp, solver, target, y, (c) => result.capacity[c * Y + y]!, demand), need)) t.optimal++;
      }
    });
    onRun();
  }
  return years.map(({ target, y }, i) => ({ target, y, pMetOptimal: tally[i]!.optimal / runs, pMetBehaviour: tally[i]!.behaviour / runs, expectedShortfall: tally[i]!.shortfall / runs }));
}

/** plan-robustness.csv: the plans side by side, by year, then target, then plan. */
export function robustnessTable(model: Model, plans: readonly { name: string; rows: readonly Robustness[] }[]): Table {
  const k = model.volumeUnit.factor;
  const rows: Cell[][] = plans
    .flatMap((p) => p.rows.map((r) => ({ plan: p.name, r })))
    .sort((a, b) => a.r.y - b.r.y || a.r.target - b.r.target || (a.plan < b.plan ? -1 : a.plan > b.plan ? 1 : 0))
    .map(({ plan, r }) => [model.name, plan, model.startYear + r.y, model.targets[r.target]!.id, r.pMetOptimal, r.pMetBehaviour, r.expectedShortfall * k]);
  return {
    file: 'plan-robustness.csv',
    header: ['scenario', 'plan', 'year', 'target', 'p_met_optimal', 'p_met_behaviour', `expected_shortfall${model.volumeUnit.suffix}`],
    rows,
  };
}
