// One-at-a-time sensitivity (the tornado): each factor moved to a low and a
// high setting, everything else as in the file, and the change in a few
// metrics. Factors: every uncertain param at its distribution's 5th and 95th
// percentiles (a discrete one at its smallest and largest value); every other
// param at −20 % and +20 % (a param that holds a year, ±2 years: 20 % of a
// year means nothing); every project opening two years earlier and later,
// and removed.
import { isShortfall, yearMetrics } from '../engine/metrics.js';
import type { Model, UncertainParam } from '../engine/model.js';
import { simulate, type Result } from '../engine/simulate.js';
import { targetYears } from '../engine/targets.js';
import { sample } from '../random/distributions.js';
import { stream } from '../random/streams.js';
import { buildScenario, type LoadedSource } from '../scenario/index.js';
import { isYearValue } from '../units/values.js';

export type FactorKind = 'uncertainty' | 'param' | 'project-online' | 'project-removed';

export interface Factor {
  name: string;
  kind: FactorKind;
  /** The factor's low and high settings, as written in tornado.csv (low is empty for a removed project). */
  low: number | undefined;
  high: number | string;
  /** `--set` specs for the low and high runs. */
  lowSet: string[] | undefined;
  highSet: string[];
}

/** Draws that estimate a distribution's percentiles (from its own sampler, seeded): 0.1 % of the range or better. */
const PERCENTILE_DRAWS = 100_000;

/** The q-quantile of a distribution, from PERCENTILE_DRAWS seeded draws of its sampler. */
export function percentile(p: UncertainParam, q: number): number {
  if (p.dist.dist === 'discrete') {
    const values = p.dist.values.filter((_, i) => (p.dist as { weights: readonly number[] }).weights[i]! > 0);
    return q < 0.5 ? Math.min(...values) : Math.max(...values);
  }
  const u = stream('percentiles', p.name, 0);
  const draws = Float64Array.from({ length: PERCENTILE_DRAWS }, () => sample(p.dist, u)).sort();
  return Number(draws[Math.round(q * (PERCENTILE_DRAWS - 1))]!.toPrecision(12));
}

export function factors(model: Model): Factor[] {
  const uncertain = new Map(model.uncertainty.map((p) => [p.name, p]));
  const out: Factor[] = [];
  for (const [name, value] of Object.entries(model.params).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const p = uncertain.get(name);
    const [low, high] = p ? [percentile(p, 0.05), percentile(p, 0.95)] : isYearValue(value) ? [value - 2, value + 2] : [value * 0.8, value * 1.2];
    const [lo, hi] = [Number(low.toPrecision(12)), Number(high.toPrecision(12))];
    out.push({ name, kind: p ? 'uncertainty' : 'param', low: lo, high: hi, lowSet: [`${name}=${lo}`], highSet: [`${name}=${hi}`] });
  }
  for (const p of [...model.projects].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    out.push({ name: p.id, kind: 'project-online', low: p.online - 2, high: p.online + 2, lowSet: [`projects.${p.id}.online=${p.online - 2}`], highSet: [`projects.${p.id}.online=${p.online + 2}`] });
    out.push({ name: p.id, kind: 'project-removed', low: undefined, high: 'removed', lowSet: undefined, highSet: [`projects.${p.id}.remove=true`] });
  }
  return out;
}

/** The metrics a tornado reports, by name (volumes in Mt/year; `undefined` where a metric has no value, e.g. no unserved year). */
export function tornadoMetrics(result: Result, year: number): Map<string, number | undefined> {
  const { model } = result;
  const years = yearMetrics(result);
  const y = year - model.startYear;
  const out = new Map<string, number | undefined>([
    ['served', years[y]!.served],
    ['unserved', years[y]!.unserved],
    ['first_unserved_year', years.find((m) => isShortfall(m.unserved, model.unservedThreshold))?.year],
    ['total_unserved', years.reduce((s, m) => s + m.unserved, 0)],
  ]);
  const met = targetYears(result);
  model.targets.forEach((t, i) => out.set(`target_served:${t.id}`, met.find((m) => m.target === i && m.year === t.from)?.served));
  return out;
}

/** Runs the scenario with `set` on top of `base`; undefined when that makes it invalid. */
export function runWith(source: LoadedSource, base: readonly string[], set: readonly string[]): Result | undefined {
  const loaded = buildScenario(source, [...base, ...set]);
  if (!loaded.model || loaded.problems.some((p) => p.severity === 'error')) return undefined;
  return simulate(loaded.model);
}

export const isVolume = (metric: string): boolean => metric === 'served' || metric === 'unserved' || metric === 'total_unserved' || metric.startsWith('target_served:');
