// tornado.csv and sensitivity.csv. Pure.
import type { Model } from '../engine/model.js';
import type { Result } from '../engine/simulate.js';
import type { Cell, Table } from '../io/csv.js';
import { firstOrder, spearman } from './indices.js';
import { isVolume, tornadoMetrics, type Factor } from './tornado.js';

/** A metric's column name: volumes carry the unit suffix (`served_mt`, `target_served_mt:titr-10mt`). */
export function metricName(model: Model, metric: string): string {
  const [head, id] = metric.split(':');
  const named = isVolume(metric) ? `${head}${model.volumeUnit.suffix}` : head!;
  return id === undefined ? named : `${named}:${id}`;
}

/**
 * One row per metric and factor: the base value, the values at the factor's
 * low and high settings, and the swing |high − low| (for a removed project,
 * |removed − base|). Sorted by metric, then swing (largest first, empty last),
 * then factor.
 */
export function tornadoTable(base: Result, year: number, runs: readonly { factor: Factor; low: Result | undefined; high: Result | undefined }[]): Table {
  const { model } = base;
  const k = model.volumeUnit.factor;
  const baseValues = tornadoMetrics(base, year);
  const rows: { metric: string; factor: string; swing: number | undefined; cells: Cell[] }[] = [];
  for (const { factor, low, high } of runs) {
    const lowValues = low ? tornadoMetrics(low, year) : undefined;
    const highValues = high ? tornadoMetrics(high, year) : undefined;
    for (const [metric, b] of baseValues) {
      const scale = isVolume(metric) ? k : 1;
      const l = factor.kind === 'project-removed' ? b : lowValues?.get(metric);
      const h = highValues?.get(metric);
      const swing = l === undefined || h === undefined ? undefined : Math.abs(h - l) * scale;
      rows.push({
        metric: metricName(model, metric),
        factor: factor.name,
        swing,
        cells: [
          model.name, factor.name, factor.kind, factor.low ?? null, factor.high, metricName(model, metric),
          b === undefined ? null : b * scale,
          factor.kind === 'project-removed' || l === undefined ? null : l * scale,
          h === undefined ? null : h * scale,
          swing ?? null,
        ],
      });
    }
  }
  rows.sort((a, b) => (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : (b.swing ?? -1) - (a.swing ?? -1) || (a.factor < b.factor ? -1 : a.factor > b.factor ? 1 : 0)));
  return {
    file: 'tornado.csv',
    header: ['scenario', 'factor', 'kind', 'low', 'high', 'metric', 'base_value', 'low_value', 'high_value', 'swing'],
    rows: rows.map((r) => r.cells),
  };
}

/** Per-run inputs and outputs of the global sample, by run index. */
export interface Sample {
  /** `[run * params + p]`, in model.uncertainty order. */
  draws: Float64Array;
  /** `[run * years + y]`, Mt/year. */
  served: Float64Array;
  unserved: Float64Array;
  runs: number;
}

/** sensitivity.csv: per year, metric (served, unserved) and uncertain input, Spearman's ρ and the first-order index. */
export function sensitivityTable(model: Model, sample: Sample): Table {
  const Y = model.years;
  const P = model.uncertainty.length;
  const N = sample.runs;
  const inputs = model.uncertainty.map((_, p) => Float64Array.from({ length: N }, (_, r) => sample.draws[r * P + p]!));
  const rows: Cell[][] = [];
  const out = new Float64Array(N);
  for (let y = 0; y < Y; y++) {
    for (const [metric, values] of [['served', sample.served], ['unserved', sample.unserved]] as const) {
      for (let r = 0; r < N; r++) out[r] = values[r * Y + y]!;
      model.uncertainty.forEach((u, p) => {
        rows.push([model.name, model.startYear + y, metricName(model, metric), u.name, round(spearman(inputs[p]!, out)), round(firstOrder(inputs[p]!, out))]);
      });
    }
  }
  return { file: 'sensitivity.csv', header: ['scenario', 'year', 'metric', 'factor', 'spearman', 'first_order'], rows };
}

/** NaN (a constant output) stays an empty cell; otherwise 1e-9, so that float noise never shows. */
const round = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 1e9) / 1e9 : null);
