// uncertainty.correlations: a Gaussian copula per run (product.md, "Adaptive
// plans"). Checked against what a copula must do, computed here: the
// sample's Spearman correlation matches the one asked for, each marginal
// keeps its distribution (quantiles in closed form), params in no pair draw
// byte for byte as without correlations, and a pair changes only its group.
import { describe, expect, it } from 'vitest';
import { drawParams } from '../../src/analysis/montecarlo.js';
import { pearsonOf, quantile } from '../../src/random/copula.js';
import { errorsOf, modelOf } from '../support/build.js';

const scenario = (correlations: string) => `
name: corr
years: { start: 2030, end: 2031 }
params: { pa: 0, pb: 0, pc: 0, pd: 0, pe: 0 }
uncertainty:
  pa: { dist: uniform, min: 0, max: 10 }
  pb: { dist: triangular, min: 1, mode: 2, max: 6 }
  pc: { dist: pert, min: 0, mode: 1, max: 4 }
  pd: { dist: normal, mean: 5, sd: 2, min: 1 }
  pe: { dist: lognormal, mu: 0, sigma: 0.5 }
${correlations}
nodes: [{ id: x }, { id: y }]
links: [{ id: xy, from: x, to: y }]
flows: [{ id: f, origin: x, destination: y, demand: 1, routes: [{ id: r, via: [xy] }] }]
`;

const N = 20_000;
const drawsOf = (text: string) => {
  const model = modelOf(text);
  return Array.from({ length: N }, (_, run) => drawParams(model, 11, run).values);
};

/** Ranks 0…n−1 (no ties in continuous draws). */
const ranks = (xs: readonly number[]) => {
  const order = xs.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
  const r = new Array<number>(xs.length);
  order.forEach(([, i], k) => (r[i] = k));
  return r;
};
/** Spearman's ρ = Pearson's correlation of the ranks. */
function spearman(xs: readonly number[], ys: readonly number[]): number {
  const [rx, ry] = [ranks(xs), ranks(ys)];
  const m = (xs.length - 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (rx[i]! - m) * (ry[i]! - m);
    sxx += (rx[i]! - m) ** 2;
    syy += (ry[i]! - m) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

describe('correlated draws', () => {
  const linked = drawsOf(scenario('  correlations:\n    - { params: [pa, pb], spearman: 0.7 }\n    - { params: [pb, pc], spearman: -0.4 }\n    - { params: [pd, pe], spearman: 0.5 }'));
  const free = drawsOf(scenario(''));

  it('the sample’s Spearman correlations are the ones asked for (within 3 standard errors, ≈1/√N each)', () => {
    const col = (draws: typeof linked, k: string) => draws.map((v) => v[k]!);
    const band = 3 / Math.sqrt(N);
    expect(spearman(col(linked, 'pa'), col(linked, 'pb'))).toBeCloseTo(0.7, 1);
    expect(Math.abs(spearman(col(linked, 'pa'), col(linked, 'pb')) - 0.7)).toBeLessThan(band);
    expect(Math.abs(spearman(col(linked, 'pb'), col(linked, 'pc')) + 0.4)).toBeLessThan(band);
    expect(Math.abs(spearman(col(linked, 'pd'), col(linked, 'pe')) - 0.5)).toBeLessThan(band);
    // pa and pc share a group through pb, but no pair names them: their entry of the matrix is 0, and so is their rank correlation.
    expect(Math.abs(spearman(col(linked, 'pa'), col(linked, 'pc')))).toBeLessThan(band);
  });

  it('each param keeps its distribution: empirical quantiles against the closed forms', () => {
    // Uniform(0, 10): q = 10p; triangular(1, 2, 6): p < 0.2 → 1 + √(5p), else 6 − √(20(1 − p)); lognormal(0, 0.5): exp(0.5 Φ⁻¹(p)).
    const closed: Record<string, (p: number) => number> = {
      pa: (p) => 10 * p,
      pb: (p) => (p < 0.2 ? 1 + Math.sqrt(5 * p) : 6 - Math.sqrt(20 * (1 - p))),
      pe: (p) => Math.exp(0.5 * [-1.6448536269514722, 0, 1.6448536269514722][[0.05, 0.5, 0.95].indexOf(p)]!),
    };
    for (const k of ['pa', 'pb', 'pe']) {
      const sorted = linked.map((v) => v[k]!).sort((x, y) => x - y);
      for (const p of [0.05, 0.5, 0.95]) {
        const empirical = sorted[Math.floor(p * (N - 1))]!;
        // The sampling error of a quantile is about √(p(1−p)/N) / density; 2 % of the range is well outside it.
        expect(Math.abs(empirical - closed[k]!(p))).toBeLessThan(0.02 * (closed[k]!(0.99) - closed[k]!(0.01) || 1) + 0.05);
      }
    }
  });

  it('params in no pair keep their draws byte for byte; a pair changes only the params of its group', () => {
    const one = drawsOf(scenario('  correlations:\n    - { params: [pa, pb], spearman: 0.7 }'));
    for (let run = 0; run < 200; run++) {
      for (const k of ['pc', 'pd', 'pe']) expect(one[run]![k]).toBe(free[run]![k]);
      // Adding pd–pe leaves the pa–pb group's draws as they were.
      const two = linked[run]!;
      expect([two.pd, two.pe]).not.toEqual([free[run]!.pd, free[run]!.pe]);
    }
    const ab = drawsOf(scenario('  correlations:\n    - { params: [pa, pb], spearman: 0.7 }\n    - { params: [pd, pe], spearman: 0.5 }'));
    for (let run = 0; run < 200; run++) for (const k of ['pa', 'pb', 'pc']) expect(ab[run]![k]).toBe(one[run]![k]);
  });

  it('the quantile function inverts each distribution, and Spearman 0.5 is Pearson 2 sin(π/12)', () => {
    expect(quantile({ dist: 'normal', mean: 5, sd: 2 }, 0.975)).toBeCloseTo(5 + 2 * 1.959963984540054, 9);
    expect(quantile({ dist: 'discrete', values: [1, 2, 3], weights: [0.2, 0.5, 0.3] }, 0.69)).toBe(2);
    expect(quantile({ dist: 'pert', min: 0, mode: 2, max: 4 }, 0.5)).toBeCloseTo(2, 9); // symmetric: the median is the mode
    expect(pearsonOf(0.5)).toBeCloseTo(2 * Math.sin(Math.PI / 12), 15);
  });
});

describe('bad correlations', () => {
  it('a matrix that is not positive definite names its pairs; an unknown param, a param with itself, r outside (−1, 1) are positioned', () => {
    // pa–pb 0.9, pb–pc 0.9, pa–pc −0.9: no three variables can be so.
    const errors = errorsOf(scenario('  correlations:\n    - { params: [pa, pb], spearman: 0.9 }\n    - { params: [pb, pc], spearman: 0.9 }\n    - { params: [pa, pc], spearman: -0.9 }'));
    expect(errors).toEqual([expect.stringMatching(/uncertainty\.correlations\[0\]: these correlations cannot hold together .*pa–pb 0\.9, pb–pc 0\.9, pa–pc -0\.9/)]);
    expect(errorsOf(scenario('  correlations:\n    - { params: [pa, z], spearman: 0.3 }'))).toEqual([expect.stringMatching(/uncertainty\.correlations\[0\]\.params\[1\]: "z" is not an uncertain param/)]);
    expect(errorsOf(scenario('  correlations:\n    - { params: [pa, pa], spearman: 0.3 }'))).toEqual([expect.stringMatching(/correlated with itself/)]);
    expect(errorsOf(scenario('  correlations:\n    - { params: [pa, pb], spearman: 1 }'))).toEqual([expect.stringMatching(/uncertainty\.correlations\[0\]\.spearman/)]);
    expect(errorsOf(scenario('').replace('params: { pa: 0,', 'params: { correlations: 1, pa: 0,'))).toEqual([expect.stringMatching(/params\.correlations: `correlations` is reserved/)]);
  });
});
