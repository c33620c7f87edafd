// Which maps a report draws: for a run, the first year, the first year with
// unserved demand and the last year (small multiples: the bottleneck's move at
// a glance); for a comparison, every scenario in the year where their
// utilizations differ most.
import type { Model } from '../engine/model.js';
import type { Chart } from './charts.js';
import type { Row } from './folder.js';
import { extent, mapChart, mapNetwork, type ElementState } from './map.js';
import { outlines } from './outlines.js';

/** Binding as in the tables: utilization ≥ 1 − 1e-9. */
const BINDING = 1 - 1e-9;

/** Per year, each element's state from links.csv and nodes.csv rows (`id`, `utilization`, `binding`, one row per cargo key). */
export function elementStates(rows: readonly (Row & { id: string })[]): Map<number, Map<string, ElementState>> {
  const out = new Map<number, Map<string, ElementState>>();
  for (const r of rows) {
    const year = +r.year!;
    if (!out.has(year)) out.set(year, new Map());
    const states = out.get(year)!;
    const u = r.utilization === '' || r.utilization === undefined ? undefined : +r.utilization;
    const was = states.get(r.id);
    states.set(r.id, {
      utilization: u === undefined ? was?.utilization : Math.max(u, was?.utilization ?? -Infinity),
      binding: (was?.binding ?? false) || r.binding === 'true',
    });
  }
  return out;
}

/** The first summary row whose unserved volume (the tables' unit) is at least `threshold`: less is rounding. */
export function firstShortfall(summary: readonly Row[], unit: string, threshold: number): Row | undefined {
  return summary.find((r) => {
    const unserved = +r[`unserved_${unit}`]!;
    return unserved > 0 && unserved >= threshold;
  });
}

/** The first year, the first year with unserved demand of at least `threshold` (the tables' unit; if any) and the last year, each once. */
export function keyYears(summary: readonly Row[], unit: string, threshold: number): number[] {
  const years = summary.map((r) => +r.year!);
  const unserved = firstShortfall(summary, unit, threshold);
  return [...new Set([years[0]!, ...(unserved ? [+unserved.year!] : []), years[years.length - 1]!])].sort((a, b) => a - b);
}

export function runMaps(model: Model, states: Map<number, Map<string, ElementState>>, years: readonly number[], scenario: string): Chart[] {
  const net = mapNetwork(model);
  if (!net) return [];
  const shapes = outlines(extent(net));
  return years.map((y) => mapChart(`map-${y}`, `The network in ${y}`, net, states.get(y) ?? new Map(), scenario, shapes));
}

/**
 * A map per scenario in the year where the variants' utilizations differ
 * most from the base's (Σ over elements of |Δ utilization|), from the
 * compare table's `links` and `nodes` rows. The base's positions serve all.
 */
export function compareMaps(model: Model, names: readonly string[], rows: readonly Row[]): Chart[] {
  const net = mapNetwork(model);
  if (!net) return [];
  const util = rows.filter((r) => (r.table === 'links' || r.table === 'nodes') && r.metric === 'utilization');
  const diff = new Map<number, number>();
  for (const r of util) {
    const base = r[names[0]!] === '' ? 0 : +r[names[0]!]!;
    const d = names.slice(1).reduce((s, n) => s + Math.abs((r[n] === '' ? 0 : +r[n]!) - base), 0);
    diff.set(+r.year!, (diff.get(+r.year!) ?? 0) + d);
  }
  if (diff.size === 0) return [];
  const year = [...diff].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
  const shapes = outlines(extent(net));
  return names.map((name) => {
    const states = elementStates(
      util.filter((r) => +r.year! === year).map((r) => {
        const u = r[name] ?? '';
        return { ...r, id: r.element!.split('/')[0]!, utilization: u, binding: u !== '' && +u >= BINDING ? 'true' : 'false' };
      }),
    );
    return mapChart(`map-${name}`, `${name} in ${year}`, net, states.get(year) ?? new Map(), name, shapes);
  });
}
