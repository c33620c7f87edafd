// corridor sensitivity and the Monte Carlo target odds, against closed forms
// and hand calculations.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, withWorkers } from '../support/cli.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-sens-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};
const csv = (file: string) => fs.readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));

// Demand = one + two on an unconstrained route, one ~ U(0, 1), two ~ U(0, 2); `idle` is used by nothing.
const SUM = (order: 'one-first' | 'two-first') => {
  const params = order === 'one-first' ? '{ one: 0.5, two: 1, idle: 3 }' : '{ idle: 3, two: 1, one: 0.5 }';
  const unc = order === 'one-first'
    ? '{ one: { dist: uniform, min: 0, max: 1 }, two: { dist: uniform, min: 0, max: 2 } }'
    : '{ two: { dist: uniform, min: 0, max: 2 }, one: { dist: uniform, min: 0, max: 1 } }';
  return `
name: sum
years: { start: 2030, end: 2031 }
params: ${params}
uncertainty: ${unc}
nodes: [{ id: a }, { id: b }]
links: [{ id: ab, from: a, to: b }]
flows: [{ id: f, origin: a, destination: b, demand: "one + two", routes: [{ id: r, via: [ab] }] }]
`;
};

describe('corridor sensitivity', () => {
  it('first-order indices of one + two with one ~ U(0, 1), two ~ U(0, 2): 0.2 and 0.8 (variances 1/12 : 4/12)', async () => {
    const r = await cli('sensitivity', write('sum.yaml', SUM('one-first')), '--out', path.join(dir, 's1'));
    expect(r.code).toBe(0);
    const rows = csv(path.join(dir, 's1', 'sensitivity.csv')).filter((x) => x[1] === '2030' && x[2] === 'served_mt');
    const index = (f: string) => Number(rows.find((x) => x[3] === f)![5]);
    // The estimator's error at 2,000 runs (docs/sensitivity.md): within 0.03.
    expect(Math.abs(index('one') - 0.2)).toBeLessThan(0.03);
    expect(Math.abs(index('two') - 0.8)).toBeLessThan(0.03);
    // Spearman: both positive, two's larger (for a sum of uniforms, ρ ≈ 0.43 and 0.87).
    const rho = (f: string) => Number(rows.find((x) => x[3] === f)![4]);
    expect(rho('two')).toBeGreaterThan(rho('one'));
    expect(rho('one')).toBeGreaterThan(0.3);
    // unserved is always 0: no index (empty cells).
    expect(csv(path.join(dir, 's1', 'sensitivity.csv')).find((x) => x[2] === 'unserved_mt')!.slice(4)).toEqual(['', '']);
  });

  it('swapping the params’ order in the file changes no byte; threads change no byte; an unused param swings 0', async () => {
    await cli('sensitivity', write('sum2.yaml', SUM('two-first')), '--out', path.join(dir, 's2'));
    const s3 = await withWorkers(() => cli('sensitivity', path.join(dir, 'sum.yaml'), '--workers', '2', '--out', path.join(dir, 's3')));
    expect(s3.code).toBe(0);
    for (const f of ['sensitivity.csv', 'tornado.csv']) {
      const one = fs.readFileSync(path.join(dir, 's1', f), 'utf8');
      expect(fs.readFileSync(path.join(dir, 's2', f), 'utf8')).toBe(one);
      expect(fs.readFileSync(path.join(dir, 's3', f), 'utf8')).toBe(one);
    }
    const idle = csv(path.join(dir, 's1', 'tornado.csv')).filter((x) => x[1] === 'idle');
    expect(idle.every((x) => x[2] === 'param' && x[3] === '2.4' && x[4] === '3.6' && (x[9] === '0' || x[9] === ''))).toBe(true);
  });

  it('the tutorial’s tornado, by hand', async () => {
    // 2025: containers 2.4 (a series point), bulk 3 · (1 + growth / 2); the ferry (6 · 330/365 = 5.4247)
    // and the feeder (3) carry both: all is served. growth ±20 % (0.08, 0.12): 5.52 and 5.58, a swing of 0.06.
    // new-ferries (online 2031) removed or moved ±2 years changes nothing in 2025.
    await cli('sensitivity', 'scenarios/tutorial.yaml', '--year', '2025', '--runs', '10', '--out', path.join(dir, 't25'));
    const t25 = csv(path.join(dir, 't25', 'tornado.csv')).filter((x) => x[5] === 'served_mt');
    const row = (factor: string, kind: string) => t25.find((x) => x[1] === factor && x[2] === kind)!;
    expect(row('growth', 'param').slice(3)).toEqual(['0.08', '0.12', 'served_mt', '5.55', '5.52', '5.58', '0.06']);
    expect(row('new-ferries', 'project-removed').slice(3)).toEqual(['', 'removed', 'served_mt', '5.55', '', '5.55', '0']);
    // 2036: without new-ferries' +3 Mt the crossings carry 5.424658 + 3 = 8.424658 Mt, all of it used
    // (ferry full at τ = 0.443, feeder at 0.689; containers 4.715 stay under the port's 5 Mt).
    // Opening in 2029 or 2033 instead of 2031 changes nothing by 2036: swing 0.
    await cli('sensitivity', 'scenarios/tutorial.yaml', '--runs', '10', '--out', path.join(dir, 't36'));
    const t36 = csv(path.join(dir, 't36', 'tornado.csv')).filter((x) => x[5] === 'served_mt');
    expect(Number(t36.find((x) => x[1] === 'new-ferries' && x[2] === 'project-removed')![8])).toBeCloseTo(6 * 330 / 365 + 3, 6);
    expect(t36.find((x) => x[1] === 'new-ferries' && x[2] === 'project-online')!.slice(3, 5).concat(t36.find((x) => x[1] === 'new-ferries' && x[2] === 'project-online')![9]!)).toEqual(['2029', '2033', '0']);
  });
});

describe('Monte Carlo: the odds of a target', () => {
  it('demand (1 + g)^(yr − 2024), g ~ U(0.05, 0.15), target 2 in 2034: met when g ≥ 2^(1/10) − 1, P = (0.15 − 0.07177) / 0.1 = 0.782', async () => {
    const file = write('odds.yaml', `
name: odds
years: { start: 2024, end: 2034 }
params: { growth: 0.1 }
uncertainty: { growth: { dist: uniform, min: 0.05, max: 0.15 } }
nodes: [{ id: a }, { id: b }]
links: [{ id: ab, from: a, to: b }]
flows: [{ id: f, origin: a, destination: b, demand: "(1 + growth)^(yr - 2024)", routes: [{ id: r, via: [ab] }] }]
targets: [{ id: two, served_at_least: 2, from: 2034 }]
`);
    const r = await cli('montecarlo', file, '--runs', '4000', '--workers', '1', '--out', path.join(dir, 'odds'));
    expect(r.code).toBe(0);
    const rows = csv(path.join(dir, 'odds', 'montecarlo.csv'));
    const met = rows.filter((x) => x[2] === 'target_met');
    expect(met.map((x) => [x[1], x[3]])).toEqual([['2034', 'two']]);
    // Binomial standard error at 4,000 runs: √(0.782 · 0.218 / 4000) = 0.0065; within 3 of them.
    expect(Math.abs(Number(met[0]![4]) - (0.15 - (2 ** 0.1 - 1)) / 0.1)).toBeLessThan(0.02);
    // Served-volume bands per flow: f's served equals its demand, (1 + g)^10 at the median g = 0.1: 2.594.
    const band = rows.find((x) => x[1] === '2034' && x[2] === 'flow_served_mt' && x[3] === 'f')!;
    expect(Number(band[7])).toBeCloseTo(1.1 ** 10, 1);
    expect(r.out).toContain(`two: met in ${Math.round(Number(met[0]![4]) * 100)} % of runs in 2034`);
  });
});
