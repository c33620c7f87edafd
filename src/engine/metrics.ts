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

export function yearMetrics(result: Result): YearMetrics[] {
  const { model } = result;
  const Y = model.years;
  const out: YearMetrics[] = [];
  for (let y = 0; y < Y; y++) {
    let demand = 0;
    let served = 0;
    for (let f = 0; f < model.flows.length; f++) {
      demand += result.flowDemand[f * Y + y]!;
      served += result.flowServed[f * Y + y]!;
    }
    const b = result.yearBottleneck[y]!;
    out.push({
      year: model.startYear + y,
      demand,
      served,
      unserved: Math.max(0, demand - served),
      maxUtilization: result.yearMaxUtilization[y]!,
      bottleneck: b >= 0 ? model.elements[b]!.id : '',
      binding: result.yearBinding[y]!.map((e) => model.elements[e]!.id),
    });
  }
  return out;
}
