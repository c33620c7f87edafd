// Targets measured on a run: in each year a target applies, the volume it
// requires and the volume its flows are served.
import { UNSERVED_EPSILON } from './metrics.js';
import type { Model, TargetModel } from './model.js';
import type { Result } from './simulate.js';

export interface TargetYear {
  /** Index into model.targets. */
  target: number;
  year: number;
  /** Mt/year: the level, or the share × the flows' demand that year. */
  required: number;
  /** Mt/year served to the target's flows. */
  served: number;
  met: boolean;
}

/** Served within this (Mt/year) of the requirement counts as met: rounding, not a shortfall (as for unserved volume). */
export const TARGET_TOLERANCE = UNSERVED_EPSILON;

export const isMet = (served: number, required: number): boolean => served >= required - TARGET_TOLERANCE;

/** Σ over the target's flows of `perFlow(flow index)`. */
export function sumFlows(t: TargetModel, perFlow: (f: number) => number): number {
  let s = 0;
  for (let i = 0; i < t.flows.length; i++) s += perFlow(t.flows[i]!);
  return s;
}

/** Mt/year target `t` requires in year index `y`, given the flows' demand that year. */
export function required(t: TargetModel, y: number, demand: (f: number) => number): number {
  const level = t.level[y]!;
  return t.kind === 'volume' ? level : level * sumFlows(t, demand);
}

/** The (target, year index) pairs in force, by year, then target id (targets are sorted by id). */
export function targetYearIndices(model: Model): { target: number; y: number }[] {
  const out: { target: number; y: number }[] = [];
  for (let y = 0; y < model.years; y++) {
    const year = model.startYear + y;
    model.targets.forEach((t, i) => {
      if (year >= t.from && year <= t.to) out.push({ target: i, y });
    });
  }
  return out;
}

/** Every target-year of a run (behavioural allocation), by year, then target id. */
export function targetYears(result: Result): TargetYear[] {
  const { model } = result;
  return targetYearIndices(model).map(({ target, y }) => {
    const need = requiredIn(result, target, y);
    const served = servedIn(result, target, y);
    return { target, year: model.startYear + y, required: need, served, met: isMet(served, need) };
  });
}

/** Mt/year target `target` requires in year index y of a run, given its flows' demand that year. */
export const requiredIn = (result: Result, target: number, y: number): number =>
  required(result.model.targets[target]!, y, (f) => result.flowDemand[f * result.model.years + y]!);

/** Mt/year served to target `target`'s flows in year index y of a run. */
export const servedIn = (result: Result, target: number, y: number): number =>
  sumFlows(result.model.targets[target]!, (f) => result.flowServed[f * result.model.years + y]!);
