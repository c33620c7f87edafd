// The `uncertainty` block → one checked distribution per param.
import type { UncertainParam } from '../engine/model.js';
import type { Checker } from './checker.js';
import { didYouMean } from './problems.js';
import type { ScenarioInput } from './schema.js';

const WEIGHT_TOLERANCE = 1e-9;

export function buildUncertainty(s: ScenarioInput, params: ReadonlyMap<string, number>, check: Checker): UncertainParam[] {
  const out: UncertainParam[] = [];
  for (const [name, dist] of Object.entries(s.uncertainty ?? {})) {
    const path = ['uncertainty', name];
    if (!params.has(name)) {
      check.report(path, `"${name}" is not a param`, { atKey: true, hint: didYouMean(name, [...params.keys()]) ?? 'declare it under `params` with its central value' });
      continue;
    }
    const problem = checkDistribution(dist);
    if (problem) {
      check.report([...path, problem[0]], problem[1]);
      continue;
    }
    out.push({ name, dist });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** [key, message] of the first problem with a distribution's numbers, if any. */
function checkDistribution(d: UncertainParam['dist']): [string, string] | undefined {
  switch (d.dist) {
    case 'uniform':
      return d.min < d.max ? undefined : ['max', `max (${d.max}) must be greater than min (${d.min})`];
    case 'triangular':
    case 'pert':
      if (!(d.min < d.max)) return ['max', `max (${d.max}) must be greater than min (${d.min})`];
      return d.mode >= d.min && d.mode <= d.max ? undefined : ['mode', `mode (${d.mode}) lies outside [${d.min}, ${d.max}]`];
    case 'normal':
      if (d.min !== undefined && d.max !== undefined && !(d.min < d.max)) return ['max', `max (${d.max}) must be greater than min (${d.min})`];
      return undefined;
    case 'lognormal':
      return undefined;
    case 'discrete': {
      if (d.weights.length !== d.values.length) return ['weights', `${d.weights.length} weights for ${d.values.length} values; give one weight per value`];
      const sum = d.weights.reduce((a, b) => a + b, 0);
      return Math.abs(sum - 1) <= WEIGHT_TOLERANCE ? undefined : ['weights', `weights sum to ${+sum.toFixed(9)}, not 1`];
    }
  }
}
