// What `corridor explore` puts in the page: the scenario's files (the page
// runs the same loading and engine code as the CLI on them), the controls,
// and the charts compiled to Vega. Pure.
import type { Model, ProjectModel } from '../engine/model.js';
import type { MapNetwork } from '../report/map.js';
import { isYearValue } from '../units/values.js';

export interface ParamControl {
  name: string;
  value: number;
  min: number;
  max: number;
  step: number;
  /** Where the range comes from, said on the page. */
  range: string;
}

export interface ProjectControl {
  id: string;
  name: string;
  target: string;
  online: number;
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
 * One control per param. The range comes from the param's distribution in
 * the `uncertainty` block (p0.1–p99.9 for the unbounded ones); otherwise ±5
 * years for a year, ±50 % for any other number (−1 to 1 around zero).
 */
export function paramControls(model: Model): ParamControl[] {
  const dists = new Map(model.uncertainty.map((u) => [u.name, u.dist]));
  return Object.entries(model.params)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, value]) => {
      const d = dists.get(name);
      let [min, max, range] = [value, value, ''];
      if (d) {
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
      return { name, value, min, max, step, range };
    });
}

export const projectControls = (projects: readonly ProjectModel[]): ProjectControl[] =>
  [...projects].sort((a, b) => (a.id < b.id ? -1 : 1)).map((p) => ({ id: p.id, name: p.name, target: p.target, online: p.online }));

/** The overrides of a project switched off or moved: the same `--set` specs the CLI takes. */
export const offSpec = (id: string) => `projects.${id}.remove=true`;
export const onlineSpec = (id: string, year: number | string) => `projects.${id}.online=${year}`;
export const paramSpec = (name: string, value: number | string) => `${name}=${value}`;
