// Sampling against closed-form moments, with tolerances from the sampling error.
import { describe, expect, it } from 'vitest';
import { sample, triangular } from '../../src/random/distributions.js';
import { stream } from '../../src/random/streams.js';
import seedrandom from 'seedrandom';
import type { DistributionInput } from '../../src/scenario/schema.js';

const N = 20000;
const draws = (d: DistributionInput) => Array.from({ length: N }, (_, run) => sample(d, stream(1, 'x', run)));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('distributions', () => {
  it('triangular: inverse CDF at the ends and the mode, mean (a + b + c)/3', () => {
    expect([triangular(0, 1, 4, 0), triangular(0, 1, 4, 0.25), triangular(0, 1, 4, 1)]).toEqual([0, 1, 4]); // F(mode) = (1 − 0)/(4 − 0)
    expect(mean(draws({ dist: 'triangular', min: 0, mode: 1, max: 4 }))).toBeCloseTo(5 / 3, 1); // sd/√N ≈ 0.006
  });

  it('PERT (λ = 4): mean (min + 4·mode + max)/6, inside its bounds', () => {
    const xs = draws({ dist: 'pert', min: 2, mode: 3, max: 8 });
    expect(mean(xs)).toBeCloseTo((2 + 12 + 8) / 6, 1);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...xs)).toBeLessThanOrEqual(8);
  });

  it('normal: mean and sd; truncation keeps draws inside', () => {
    const xs = draws({ dist: 'normal', mean: 5, sd: 2 });
    expect(mean(xs)).toBeCloseTo(5, 1); // sd of the mean 0.014
    const sd = Math.sqrt(mean(xs.map((x) => (x - 5) ** 2)));
    expect(sd).toBeCloseTo(2, 1);
    const cut = draws({ dist: 'normal', mean: 5, sd: 2, min: 4, max: 5.5 });
    expect(Math.min(...cut) >= 4 && Math.max(...cut) <= 5.5).toBe(true);
  });

  it('lognormal: median e^mu', () => {
    expect(median(draws({ dist: 'lognormal', mu: Math.log(3), sigma: 0.5 }))).toBeCloseTo(3, 1);
  });

  it('discrete: shares follow the weights', () => {
    const xs = draws({ dist: 'discrete', values: [1, 2, 3], weights: [0.6, 0.3, 0.1] });
    // sd of a share: √(0.6·0.4/N) = 0.0035
    expect(xs.filter((x) => x === 1).length / N).toBeCloseTo(0.6, 1);
    expect(xs.filter((x) => x === 3).length / N).toBeCloseTo(0.1, 1);
  });
});

describe('seeded streams', () => {
  it('are seedrandom’s alea keyed by "<seed>/<key>/<run>", number for number', () => {
    // stream() works out alea's seed state itself (streams.ts); the library, given the key, is the reference.
    const seeds: (number | string)[] = [20250930, 0, 7, -3, 1.5, 'percentiles', 'ключ', ''];
    const keys = ['titr_growth', 'event:low-water', 'x', '', 'a/b', 'ü€😀'];
    for (const seed of seeds) {
      for (const key of keys) {
        for (const run of [0, 1, 9, 10, 99, 12345, 999999]) {
          const ours = stream(seed, key, run);
          const theirs = seedrandom.alea(`${seed}/${key}/${run}`);
          for (let k = 0; k < 4; k++) expect(ours(), `${seed}/${key}/${run} #${k}`).toBe(theirs());
        }
      }
    }
  });
});
