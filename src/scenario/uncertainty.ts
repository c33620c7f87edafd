// The `uncertainty` block → one checked distribution per param.
import type { UncertainParam } from '../engine/model.js';
import { cholesky, pearsonOf, type CorrelationGroup } from '../random/copula.js';
import { rangeText, type ParamMeta } from './params.js';
import type { Checker } from './checker.js';
import { didYouMean } from './problems.js';
import type { ScenarioInput } from './schema.js';

const WEIGHT_TOLERANCE = 1e-9;

export function buildUncertainty(
  s: ScenarioInput, params: ReadonlyMap<string, number>, check: Checker, meta: ReadonlyMap<string, ParamMeta> = new Map(),
): { params: UncertainParam[]; correlations: CorrelationGroup[] } {
  const out: UncertainParam[] = [];
  if (params.has(CORRELATIONS)) check.report(['params', CORRELATIONS], `\`${CORRELATIONS}\` is reserved (uncertainty.correlations): give the param another name`, { atKey: true });
  const { correlations: pairs, ...dists } = s.uncertainty ?? {};
  for (const [name, dist] of Object.entries(dists)) {
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
    const [lo, hi] = support(dist);
    const range = meta.get(name);
    if (range && ((range.min !== undefined && lo < range.min) || (range.max !== undefined && hi > range.max))) {
      check.report(path, `"${name}" may be drawn from ${lo} to ${hi}, outside its range ${rangeText(range)}`, {
        atKey: true, hint: 'truncate the distribution (a normal takes min and max) or widen the param\'s range',
      });
      continue;
    }
    out.push({ name, dist });
  }
  out.sort((a, b) => (a.name < b.name ? -1 : 1));
  return { params: out, correlations: correlationGroups(pairs ?? [], out, [...Object.keys(dists)], check) };
}

const CORRELATIONS = 'correlations';

/**
 * The groups of params linked by correlation pairs, each with the Cholesky
 * factor of its Pearson matrix; a group whose matrix is not positive
 * definite is reported with its pairs.
 */
function correlationGroups(
  pairs: readonly { params: readonly [string, string]; spearman: number }[], uncertain: readonly UncertainParam[], written: readonly string[], check: Checker,
): CorrelationGroup[] {
  const index = new Map(uncertain.map((p, i) => [p.name, i]));
  const seen = new Map<string, number>();
  const valid: { a: number; b: number; r: number; at: number }[] = [];
  pairs.forEach((pair, k) => {
    const path = ['uncertainty', CORRELATIONS, k];
    let ok = true;
    pair.params.forEach((name, j) => {
      if (!index.has(name)) {
        ok = false;
        // A param whose distribution is itself wrong is reported there.
        if (!written.includes(name)) check.report([...path, 'params', j], `"${name}" is not an uncertain param`, { hint: didYouMean(name, written) ?? 'give it a distribution in `uncertainty` first' });
      }
    });
    const [a, b] = pair.params;
    if (ok && a === b) {
      check.report([...path, 'params'], `a param is correlated with itself ("${a}")`, { hint: 'name two different params' });
      ok = false;
    }
    const key = [a, b].sort().join('\0');
    if (ok && seen.has(key)) {
      check.report([...path, 'params'], `the pair ${a}, ${b} is given twice (also at correlations[${seen.get(key)}])`, { hint: 'keep one' });
      ok = false;
    }
    seen.set(key, k);
    if (ok) valid.push({ a: index.get(a)!, b: index.get(b)!, r: pair.spearman, at: k });
  });
  // Groups: the connected sets of params that pairs link (union–find).
  const parent = uncertain.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));
  for (const { a, b } of valid) parent[root(a)] = root(b);
  const groups = new Map<number, number[]>();
  for (const i of new Set(valid.flatMap(({ a, b }) => [a, b]))) groups.set(root(i), [...(groups.get(root(i)) ?? []), i]);
  const out: CorrelationGroup[] = [];
  for (const members of groups.values()) {
    const params = members.sort((x, y) => x - y);
    const n = params.length;
    const at = new Map(params.map((p, i) => [p, i]));
    const m = new Float64Array(n * n);
    for (let i = 0; i < n; i++) m[i * n + i] = 1;
    const own = valid.filter((v) => at.has(v.a));
    for (const { a, b, r } of own) {
      m[at.get(a)! * n + at.get(b)!] = pearsonOf(r);
      m[at.get(b)! * n + at.get(a)!] = pearsonOf(r);
    }
    const chol = cholesky(m, n);
    if (!chol) {
      const names = own.map((v) => `${uncertain[v.a]!.name}–${uncertain[v.b]!.name} ${v.r}`).join(', ');
      check.report(['uncertainty', CORRELATIONS, own[0]!.at], `these correlations cannot hold together (their matrix is not positive definite): ${names}`, {
        hint: 'weaken one of them: e.g. a strongly with b and b strongly with c leave a and c strongly correlated too',
      });
      continue;
    }
    out.push({ params, chol });
  }
  return out.sort((x, y) => x.params[0]! - y.params[0]!);
}

/** The least and greatest values a distribution can draw. */
function support(d: UncertainParam['dist']): [number, number] {
  switch (d.dist) {
    case 'uniform':
    case 'triangular':
    case 'pert':
      return [d.min, d.max];
    case 'normal':
      return [d.min ?? -Infinity, d.max ?? Infinity];
    case 'lognormal':
      return [0, Infinity];
    case 'discrete':
      return [Math.min(...d.values), Math.max(...d.values)];
  }
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
