// Named metrics over a whole run, each with its definition (the per-year
// ones are in engine/metrics.ts). Shared by the run summary, compare, sweep
// and Monte Carlo so that every command counts the same way.
import { isShortfall, yearMetrics, type YearMetrics } from '../engine/metrics.js';
import type { Result } from '../engine/simulate.js';

/** Metrics measured in the volume unit (converted, and suffixed `_mt`, `_teu`… in headers). */
const VOLUME_METRICS = new Set(['demand', 'served', 'unserved', 'volume', 'capacity', 'flow', 'flow_served']);
export const isVolumeMetric = (metric: string): boolean => VOLUME_METRICS.has(metric);

export interface RunTotals {
  /** Σ served over all years, Mt. */
  served: number;
  unserved: number;
  /** First year with unserved demand of at least the scenario's `output.unserved_threshold`, or undefined. */
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
    firstUnservedYear: years.find((y) => isShortfall(y.unserved, result.model.unservedThreshold))?.year,
    mostBinding,
    mostBindingYears,
    capexMusd: result.model.projects.filter((p) => p.online <= end).reduce((s, p) => s + (p.capexMusd ?? 0), 0),
  };
}
