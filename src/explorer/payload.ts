// What `corridor explore` puts in the page: the scenario's files (the page
// runs the same loading and engine code as the CLI on them), the controls,
// and the charts compiled to Vega. Pure.
import type { Model, ProjectModel } from '../engine/model.js';
import type { MapNetwork } from '../report/map.js';
import type { ParamMeta } from '../scenario/params.js';
import { isYearValue } from '../units/values.js';

export interface ParamControl {
  name: string;
  value: number;
  min: number;
  max: number;
  step: number;
  /** Where the range comes from, said on the page. */
  range: string;
  /** As the scenario describes the param (`{ value, description, unit, min, max }`); empty when it does not. */
  unit: string;
  description: string;
}

export interface ProjectControl {
  id: string;
  name: string;
  target: string;
  online: number;
}

/**
 * Route choice: a control for what it costs to pass an element, the number
 * as written (`cost_per_t`, else `cost_per_tkm`), and one for its days
 * (`transit_days` of a link, `dwell_days` of a node). Only numbers as written
 * get a control (a series or an expression is the file's to change).
 */
export interface CostControl {
  /** `links` or `nodes`, the element's id, the key, its value as written. */
  list: 'links' | 'nodes';
  id: string;
  key: 'cost_per_t' | 'cost_per_tkm' | 'transit_days' | 'dwell_days';
  value: number;
}

export interface Payload {
  name: string;
  /** The scenario file, and every file it reads in the order it reads them (itself, then each base), named relative to its folder. */
  main: string;
  files: { path: string; text: string }[];
  /** `--set` overrides the page was made with: part of "as shipped". */
  set: string[];
  params: ParamControl[];
  projects: ProjectControl[];
  /** Route choice's tariff and time controls (empty in spill and shares). */
  costs: CostControl[];
  years: number[];
  unit: string;
  /** Vega specs (compiled from Vega-Lite by the CLI), by view. */
  specs: { flows: object; bottleneck: object; utilization: object; map?: object };
  net?: MapNetwork;
}

/** A nice step for a slider over [min, max]: about a hundredth of the range, rounded to 1, 2 or 5 × 10^k. */
function niceStep(min: number, max: number): number {
  const raw = (max - min) / 100;
  if (!(raw > 0)) return 0.01;
  const k = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * k).find((s) => s >= raw)!;
}

/**
 * One control per param. The range is the param's own (`min`, `max`) where
 * the scenario gives it, else from its distribution in the `uncertainty`
 * block (p0.1–p99.9 for the unbounded ones), else ±5 years for a year, ±50 %
 * for any other number (−1 to 1 around zero).
 */
export function paramControls(model: Model, meta: ReadonlyMap<string, ParamMeta> = new Map()): ParamControl[] {
  const dists = new Map(model.uncertainty.map((u) => [u.name, u.dist]));
  return Object.entries(model.params)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, value]) => {
      const d = dists.get(name);
      const m = meta.get(name);
      let [min, max, range] = [value, value, ''];
      if (m?.min !== undefined && m.max !== undefined) {
        [min, max, range] = [m.min, m.max, 'its range in the scenario'];
      } else if (d) {
        if (d.dist === 'uniform' || d.dist === 'triangular' || d.dist === 'pert') [min, max] = [d.min, d.max];
        else if (d.dist === 'normal') [min, max] = [d.min ?? d.mean - 3 * d.sd, d.max ?? d.mean + 3 * d.sd];
        else if (d.dist === 'lognormal') [min, max] = [Math.exp(d.mu - 3 * d.sigma), Math.exp(d.mu + 3 * d.sigma)];
        else [min, max] = [Math.min(...d.values), Math.max(...d.values)];
        range = `range of its ${d.dist} distribution (uncertainty block)`;
      } else if (isYearValue(value)) {
        [min, max, range] = [value - 5, value + 5, '±5 years'];
      } else if (value === 0) {
        [min, max, range] = [-1, 1, '−1 to 1'];
      } else {
        [min, max, range] = [Math.min(value * 0.5, value * 1.5), Math.max(value * 0.5, value * 1.5), '±50 %'];
      }
      min = Math.min(min, value);
      max = Math.max(max, value);
      const step = isYearValue(value) && Number.isInteger(min) && Number.isInteger(max) ? 1 : niceStep(min, max);
      return { name, value, min, max, step, range, unit: m?.unit ?? '', description: m?.description ?? '' };
    });
}

export const projectControls = (projects: readonly ProjectModel[]): ProjectControl[] =>
  [...projects].sort((a, b) => (a.id < b.id ? -1 : 1)).map((p) => ({ id: p.id, name: p.name, target: p.target, online: p.online }));

/** Tariff and time controls of a choice scenario, from the tree as written (merged with its bases), by element id. */
export function costControls(raw: unknown, model: Model): CostControl[] {
  if (!model.flows.some((f) => f.allocation === 'choice')) return [];
  const tree = raw as { links?: Record<string, unknown>[]; nodes?: Record<string, unknown>[] };
  const out: CostControl[] = [];
  for (const list of ['links', 'nodes'] as const) {
    for (const el of tree[list] ?? []) {
      if (typeof el.id !== 'string' || el.remove === true) continue;
      const money = typeof el.cost_per_t === 'number' ? 'cost_per_t' : typeof el.cost_per_tkm === 'number' ? 'cost_per_tkm' : undefined;
      const days = list === 'links' ? 'transit_days' : 'dwell_days';
      if (money) out.push({ list, id: el.id, key: money, value: el[money] as number });
      if (typeof el[days] === 'number') out.push({ list, id: el.id, key: days, value: el[days] as number });
    }
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.key < b.key ? -1 : 1));
}

/** The `--set` spec of a tariff or time control. */
export const costSpec = (c: Pick<CostControl, 'list' | 'id' | 'key'>, value: number | string) => `${c.list}.${c.id}.${c.key}=${value}`;

/** The overrides of a project switched off or moved: the same `--set` specs the CLI takes. */
export const offSpec = (id: string) => `projects.${id}.remove=true`;
export const onlineSpec = (id: string, year: number | string) => `projects.${id}.online=${year}`;
export const paramSpec = (name: string, value: number | string) => `${name}=${value}`;
