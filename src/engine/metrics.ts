// Per-year metrics of a run, each with its definition: what every table and
// command reports for a year (io/tables.ts, the run summary, compare, sweep,
// Monte Carlo), so that all count the same way.
import type { Result } from './simulate.js';

export interface YearMetrics {
  year: number;
  /** Σ flow demand (incl. carried-over volume), Mt/year. */
  demand: number;
  /** Σ served volume, Mt/year. */
  served: number;
  /** demand − served, Mt/year (never below 0). */
  unserved: number;
  /** Highest utilization of an open element; NaN if none has a capacity. */
  maxUtilization: number;
  /** Id of the element with the highest utilization (ties: smallest id), or ''. */
  bottleneck: string;
  /** Ids of every element binding that year, by id. */
  binding: string[];
}

/** Below this (Mt/year) unserved volume is rounding, not a shortfall. */
export const UNSERVED_EPSILON = 1e-6;

/** Whether unserved volume (Mt/year) is a shortfall worth a statement: at least the scenario's threshold (and above rounding). */
export const isShortfall = (unserved: number, threshold: number): boolean => unserved > UNSERVED_EPSILON && unserved >= threshold;

/** Σ over flows, in model order, of a per-flow series (`[flow * years + year]`) in year index y. */
export function sumOverFlows(series: Float64Array, flows: number, years: number, y: number): number {
  let sum = 0;
  for (let f = 0; f < flows; f++) sum += series[f * years + y]!;
  return sum;
}

/** unserved = demand − served, never below 0. */
export const unservedOf = (demand: number, served: number): number => Math.max(0, demand - served);

export function yearMetrics(result: Result): YearMetrics[] {
  const { model } = result;
  const Y = model.years;
  const F = model.flows.length;
  const out: YearMetrics[] = [];
  for (let y = 0; y < Y; y++) {
    const demand = sumOverFlows(result.flowDemand, F, Y, y);
    const served = sumOverFlows(result.flowServed, F, Y, y);
    const b = result.yearBottleneck[y]!;
    out.push({
      year: model.startYear + y,
      demand,
      served,
      unserved: unservedOf(demand, served),
      maxUtilization: result.yearMaxUtilization[y]!,
      bottleneck: b >= 0 ? model.elements[b]!.id : '',
      binding: result.yearBinding[y]!.map((e) => model.elements[e]!.id),
    });
  }
  return out;
}
