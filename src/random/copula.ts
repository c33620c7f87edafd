// Rank correlations between uncertain params by a Gaussian copula
// (`uncertainty.correlations`, product.md "Adaptive plans"). Params linked
// by pairs form groups; per run, each param of a group turns the first
// number of its own stream into a standard normal ε (ε = Φ⁻¹(u)), the group
// mixes them, z = L·ε with L the Cholesky factor of the group's Pearson
// matrix (a Spearman r is 2·sin(πr/6) for a Gaussian copula), and each param
// takes the quantile of its own distribution at Φ(z). So the marginals are
// kept, run i depends on nothing but the seed, the run and its group, and
// params in no pair draw exactly as without correlations.
import jstat from 'jstat';
import { triangular, type Distribution } from './distributions.js';

const { jStat } = jstat;

/** One group of linked params: indices into Model.uncertainty (sorted by name) and the Cholesky factor of their correlation matrix. */
export interface CorrelationGroup {
  readonly params: readonly number[];
  /** Lower-triangular, row-major, params.length². */
  readonly chol: Float64Array;
}

/** Pearson correlation of the normals behind a Gaussian copula whose Spearman rank correlation is r. */
export const pearsonOf = (spearman: number): number => 2 * Math.sin((Math.PI * spearman) / 6);

/** The Cholesky factor of a symmetric matrix (row-major), or undefined if it is not positive definite. */
export function cholesky(a: ArrayLike<number>, n: number): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(s > 1e-12)) return undefined;
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / l[j * n + j]!;
    }
  }
  return l;
}

/** Keeps u inside (0, 1), where every quantile is finite. */
const open = (u: number) => Math.min(Math.max(u, 1e-300), 1 - 2 ** -53);

/** The quantile of a distribution at p ∈ (0, 1): the value its inverse CDF gives. */
export function quantile(d: Distribution, p: number): number {
  switch (d.dist) {
    case 'uniform':
      return d.min + p * (d.max - d.min);
    case 'triangular':
      return triangular(d.min, d.mode, d.max, p);
    case 'normal': {
      const lo = d.min === undefined ? 0 : jStat.normal.cdf(d.min, d.mean, d.sd);
      const hi = d.max === undefined ? 1 : jStat.normal.cdf(d.max, d.mean, d.sd);
      const x = jStat.normal.inv(open(lo + p * (hi - lo)), d.mean, d.sd);
      return Math.min(Math.max(x, d.min ?? -Infinity), d.max ?? Infinity);
    }
    case 'lognormal':
      return Math.exp(d.mu + d.sigma * jStat.normal.inv(open(p), 0, 1));
    case 'pert': {
      if (d.max === d.min) return d.min;
      const lambda = d.lambda ?? 4;
      const alpha = 1 + (lambda * (d.mode - d.min)) / (d.max - d.min);
      const beta = 1 + (lambda * (d.max - d.mode)) / (d.max - d.min);
      return d.min + (d.max - d.min) * jStat.beta.inv(p, alpha, beta);
    }
    case 'discrete': {
      let acc = 0;
      for (let i = 0; i < d.values.length; i++) {
        acc += d.weights[i]!;
        if (p < acc) return d.values[i]!;
      }
      return d.values[d.values.length - 1]!;
    }
  }
}

/**
 * The draws of a group's params in one run: `uniforms` holds each param's
 * own first uniform (in the group's order); returns their values.
 */
export function drawGroup(group: CorrelationGroup, dists: readonly Distribution[], uniforms: readonly number[]): number[] {
  const n = group.params.length;
  const eps = uniforms.map((u) => jStat.normal.inv(open(u), 0, 1));
  return group.params.map((_, i) => {
    let z = 0;
    for (let k = 0; k <= i; k++) z += group.chol[i * n + k]! * eps[k]!;
    return quantile(dists[i]!, open(jStat.normal.cdf(z, 0, 1)));
  });
}
