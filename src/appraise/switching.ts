// Switching values: how far an assumption must move for a project's NPV
// (last in, as in appraisal.csv) to reach 0.
// - capex: NPV is linear in capex (it enters the costs and the residual
//   value), so the change is NPV ÷ (NPV at capex − NPV at twice the capex),
//   exact from two cash flows of the same runs;
// - demand growth: every flow's demand after the base year multiplied by
//   (1 + g)^(year − base year); NPV(g) needs new runs, so g is bracketed by a
//   scan outwards from 0 in steps of 1 point and then bisected.
import type { Model, ProjectModel } from '../engine/model.js';
import { simulate, type Result } from '../engine/simulate.js';
import { bisect, discountingOf, npvAt } from './cashflow.js';
import { holdChoke, PROGRAMME, rowCase, streamsOf, type Runs } from './appraise.js';

export type Switch = { readonly value: number } | { readonly value: undefined; readonly reason: string };

export interface Switching {
  readonly id: string;
  /** Capex change at which NPV = 0, as a share (0.25: capex 25 % higher). */
  readonly capex: Switch;
  /** Change of yearly demand growth at which NPV = 0, as a share per year (−0.02: 2 points a year slower). */
  readonly growth: Switch;
}

/** Growth changes scanned: ±1 point a year up to ±GROWTH_RANGE. */
const GROWTH_STEP = 0.01;
const GROWTH_RANGE = 0.3;
const GROWTH_TOLERANCE = 1e-6;

export function switchingValues(written: Model, id: string, runs: Runs): Switching {
  const model = holdChoke(written);
  const d = discountingOf(model.economics);
  const c = rowCase(model, id);
  const wo = id === PROGRAMME ? runs.uncosted : runs.without.get(id)!;
  const npv = (w: Result, without: Result, capexFactor = 1) => npvAt(streamsOf(model, c.projects, w, without, capexFactor), d);
  const base = npv(runs.all, wo);
  const slope = base - npv(runs.all, wo, 2);
  const capex: Switch =
    slope > 1e-9
      ? { value: base / slope }
      : { value: undefined, reason: c.projects.every((p) => !p.capexMusd) ? 'no capex' : 'capex within the horizon does not change NPV' };
  const growthNpv = (g: number) => {
    const m = withGrowth(model, g);
    return npv(simulate(m), simulate(c.without(m)));
  };
  return { id, capex, growth: root(growthNpv, base) };
}

/** The scenario with every flow's demand after the base year multiplied by (1 + g)^(year − base year). */
export function withGrowth(model: Model, g: number): Model {
  const base = model.economics.baseYear;
  const flows = model.flows.map((f) => ({
    ...f,
    demand: Array.from({ length: model.years }, (_, y) => f.demand[y]! * (1 + g) ** Math.max(0, model.startYear + y - base)),
  }));
  return { ...model, flows };
}

function root(f: (g: number) => number, atZero: number): Switch {
  if (Math.abs(atZero) < 1e-9) return { value: 0 };
  // NPV usually rises with demand: search downwards from a positive NPV, upwards from a negative one, then the other way.
  const directions = atZero > 0 ? [-1, 1] : [1, -1];
  for (const d of directions) {
    let lo = 0;
    let flo = atZero;
    for (let g = GROWTH_STEP; g <= GROWTH_RANGE + 1e-12; g += GROWTH_STEP) {
      const x = d * g;
      const fx = f(x);
      if (Math.sign(fx) !== Math.sign(flo) || fx === 0) return { value: bisect(f, lo, x, GROWTH_TOLERANCE, flo) };
      lo = x;
      flo = fx;
    }
  }
  const pp = GROWTH_RANGE * 100;
  return { value: undefined, reason: `NPV stays ${atZero > 0 ? 'positive' : 'negative'} for any change of demand growth within ±${pp} points a year` };
}
