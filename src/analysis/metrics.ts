// Named metrics over a run, each with its definition. Shared by the run
// summary, compare and sweep so that every command counts the same way.
import type { Result } from '../engine/simulate.js';

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

/** Metrics measured in the volume unit (converted, and suffixed `_mt`, `_teu`… in headers). */
const VOLUME_METRICS = new Set(['demand', 'served', 'unserved', 'volume', 'capacity', 'flow']);
export const isVolumeMetric = (metric: string): boolean => VOLUME_METRICS.has(metric);

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

export interface RunTotals {
  /** Σ served over all years, Mt. */
  served: number;
  unserved: number;
  /** First year with unserved demand above UNSERVED_EPSILON, or undefined. */
  firstUnservedYear: number | undefined;
  /** Element that binds in the most years (ties: smallest id), or ''. */
  mostBinding: string;
  mostBindingYears: number;
  /** Σ capex_musd of the projects that come online within the horizon. */
  capexMusd: number;
}

export function runTotals(result: Result, years: YearMetrics[] = yearMetrics(result)): RunTotals {
  const counts = new Map<string, number>();
  for (const y of years) for (const id of y.binding) counts.set(id, (counts.get(id) ?? 0) + 1);
  let mostBinding = '';
  let mostBindingYears = 0;
  for (const [id, n] of [...counts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (n > mostBindingYears) [mostBinding, mostBindingYears] = [id, n];
  }
  const end = result.model.startYear + result.model.years - 1;
  return {
    served: years.reduce((s, y) => s + y.served, 0),
    unserved: years.reduce((s, y) => s + y.unserved, 0),
    firstUnservedYear: years.find((y) => y.unserved > UNSERVED_EPSILON)?.year,
    mostBinding,
    mostBindingYears,
    capexMusd: result.model.projects.filter((p) => p.online <= end).reduce((s, p) => s + (p.capexMusd ?? 0), 0),
  };
}
